"""Write ``redaction_set.csv``: the labelled set of ``bench/bench_redaction.py`` (made-up texts, not facts).

Every text was written for this project in the style of news quotes and conflict-event notes;
the people named are invented. Personal names are marked ``[[...]]`` below; the CSV has the
text without marks, ``label`` (1 = names a private person), ``names`` (JSON list of
``[start, end, name]``), ``lang``, ``kind`` and ``split``: ``dev`` / ``test`` (alternate rows of
each group, and the hard rows), ``calib3`` (the second pass's held-out rows, looked at after they
were scored), ``calib4`` (the third pass's, kind ``heldout2``, likewise) and ``calib5`` (kind
``probe``, written and looked at while tuning the fourth pass) are the *calibration* part;
``heldout`` (kind ``heldout3``, written before the fourth tuning pass changed any rule) was never
tuned on.

Run: python bench/data/make_redaction_set.py
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from pathlib import Path

EN_QUOTES_NAMED = """
"They took my brother [[Ahmad]] from the house and we have not seen him since," said a resident.
[[Samer Haddad]], 34, said the gunmen went from door to door asking people their sect.
"My husband [[Yousef]] was shot in front of the children," his widow told the reporter.
The victims included [[Hussein Ali Mahmoud]], a farmer, and his two sons.
Among the dead was [[mohammed al-shami]], a teacher at the village school.
A neighbour, [[Rania Khoury]], said the bodies lay in the street for two days.
"[[Abu Khalil]] opened the door and they killed him at once," a witness said.
[[Umm Ahmad]] said she hid with her daughters in the bathroom for six hours.
Relatives named the victim as [[Bassel Ibrahim]], 22, a university student.
"We buried [[Ali]] and [[Hassan]] in the garden because we could not reach the cemetery."
[[Fadi Saleh]] told AFP that fighters burned his shop and his car.
The man, identified as [[Jamil Darwish]], was found dead near the checkpoint.
"They asked [[Nour]] for her ID card and then they took her," her mother said.
Witness [[Karim Nassar]] said he counted 14 bodies in the square.
His cousin [[Tarek Suleiman]] said the family had fled to the mountains.
"[[Mariam]] was only nine," her uncle said, weeping.
Local activist [[Omar Abdulrahman]] filmed the aftermath of the strike.
"We found [[Khaled]] in the orchard with his hands tied," said his brother.
[[Dr. Haytham Mansour]], who runs the clinic, said 40 wounded arrived in one hour.
Sheikh [[Mahmoud al-Hamad]] said the men were taken to an unknown location.
The family of [[Wael Hijazi]] says he was detained at a checkpoint in 2013.
A mother named [[Suad]] said her three sons were executed in front of her.
"My father, [[Ibrahim]], refused to leave the house," said [[Lina]], 19.
[[Élie Gerges]], a shopkeeper, said the militiamen looted every house on the street.
[[Zaher Al-Khatib]] and his wife were killed when the shell hit their home.
"They shot [[Mustafa Hamdan]] because he was Alawite," said a relative.
The boy, [[Yazan]], aged 12, was among those pulled from the rubble.
[[Layla Othman]] said: "Nobody came to help us for three days."
Survivor [[Ayham Dib]] described hiding under his neighbour's stairs.
"They killed my son [[Rami]] and my nephew [[Majd]]," she said.
[[Ghassan Yacoub]], a retired officer, was taken from his home on Friday night.
Her daughter [[Hala]] was injured by shrapnel and is in hospital in Latakia.
"[[Firas]] called me at midnight and said they were at the door," said his wife.
The body of [[Nizar Qassem]] was returned to the family two weeks later.
A resident who gave his name as [[Abu Fares]] said the attackers wore uniforms.
[[Joud]] and her brother [[Marwan]] survived by hiding in a water tank.
"They took [[Adnan Hilal]] and his son and we found them by the road."
Elderly villager [[Hanna Boutros]] said the church bells rang all night.
"My neighbour [[Salim]] was shot while carrying bread," a woman said.
Medical worker [[Reem Haddad]] said the hospital ran out of blood.
[[kawa ahmed]], a Kurdish farmer, said his land was seized by the faction.
"I saw [[Walid]] fall in front of the mosque," a boy told the reporter.
[[Berivan Hasan]] said her husband had been missing since the raid.
The detainee, [[Mazen Al-Ali]], died under torture, his family said.
"We only want to know where [[Osama]] is," his mother said.
[[Hiba Jaber]] told CNN she lost six members of her family in one night.
Neighbours said [[Anas Kurdi]] had been stopped at a checkpoint on the coastal road.
[[Delal]], 15, was abducted on her way to school, relatives said.
"[[George Haddad]] was killed because of his religion," the priest said.
Among the victims were the brothers [[Yahya]] and [[Zakaria Mohsen]].
A displaced woman, [[Fatima]], said she walked for two days with her children.
Farmer [[Hamid Sabbagh]] said the drone struck his tractor at dawn.
[[Rola Saad]], a nurse, said children arrived with burns.
"[[Bilal]], my eldest, was 17," his father said.
Witnesses told Reuters that [[Majed Kanaan]] was executed in the square.
His widow, [[Samira Nasr]], said soldiers took his phone and money.
The student [[Ammar Zein]] was arrested at his university dormitory.
"I recognised [[Ismail]] by his shoes," said a man who searched the morgue.
Local councillor [[Nabil Fakhouri]] said 300 families had fled the town.
"[[Diana]] screamed and then there was silence," her sister said.
""".strip().splitlines()

EN_QUOTES_PLAIN = """
"They came at night and went from house to house," a resident said.
"We hid in the basement for two days without food or water," a woman told Reuters.
Two members of the Syrian Defense Ministry were killed in the ambush, the ministry said.
The UN human rights office said it had documented at least 111 killings.
"The bodies were left in the street," said a man who asked not to be named.
Residents said the shelling started before dawn and lasted for hours.
"Nobody came to help us," a survivor said by telephone.
A spokesman for the Interior Ministry said an investigation had been opened.
The Syrian Observatory for Human Rights said the death toll had risen to 1,500.
"We could hear the drones all night," a displaced man said in Idlib.
Witnesses said fighters in military uniforms entered the village on Friday.
Human Rights Watch said the killings may amount to war crimes.
"My house was burned and my car was taken," a shopkeeper told AFP.
The ministry said security forces had restored order in the coastal region.
Local sources said the road between Latakia and Jableh was closed.
"Children were among the dead," a doctor at the hospital said.
Activists posted videos showing bodies in a square in Baniyas.
The government said remnants of the former regime had attacked checkpoints.
"We buried them quickly because the shooting did not stop," a villager said.
The Syrian Network for Human Rights documented 803 extrajudicial killings.
A commission of inquiry was formed to investigate the events on the coast.
"The men were separated from the women and taken away," a witness said.
Most of the families fled to the mountains or to the Russian base at Hmeimim.
"There is no electricity, no water, nothing," a resident of Homs said.
The White Helmets said rescue teams pulled 12 people from the rubble.
Reuters could not independently verify the accounts.
"They asked us whether we were Sunni or Alawite," said a woman from the village.
Aid agencies said thousands had crossed into Lebanon within a week.
A security source said the attackers had come from the countryside.
"We are afraid to go back," said a father of four in a shelter in Tartus.
The Guardian spoke to eight residents who described the raids.
"The fighting moved from one neighbourhood to the next," a teacher said.
Amnesty International called for an independent investigation.
Officials said 40 fighters had been killed in clashes near the airport.
"The market was full when the shell landed," a trader said.
The UN envoy called on all sides to protect civilians.
A local council said 60 homes had been destroyed in the village.
"Armed men took the young men from the bakery queue," a witness said.
The army said it had repelled an attack on its positions near Hama.
Medical sources said the hospital received 35 wounded, mostly women and children.
"There were snipers on the roofs," a resident of the old city said.
Families searched the morgue for relatives after the massacre.
The Kurdish-led authorities said the prison attack had been foiled.
"We left everything behind," a displaced woman said at the camp.
An official in the governorate said electricity would return within days.
The caretaker government announced a curfew in several coastal towns.
"They shot at anyone who moved," a survivor told the BBC.
The observatory said pro-government fighters carried out field executions.
Several villages in the Ghab plain were emptied of their residents.
"It was the worst night of our lives," a mother of three said.
The Red Crescent said its teams had been denied access for three days.
A video verified by CNN showed at least 84 bodies near a school.
"We want justice, not revenge," a community elder said.
Security forces set up checkpoints on the highway after the attack.
"We heard the explosions from the other side of the valley," a farmer said.
Rights groups said the detainees were held in a school turned into a prison.
The health ministry said the toll could rise as more bodies are found.
"Our neighbours hid us in their house," a woman from the Alawite quarter said.
Officials in Damascus blamed armed groups loyal to the former government.
"The drone hit the car as it left the village," a relative said.
""".strip().splitlines()

ACLED_NAMED = """
On 7 March 2025, unidentified gunmen killed [[Hassan Yousef]], a civilian, in his home in Jableh, Latakia.
On 12 April 2024, regime forces arrested [[Abdulkarim Haj Omar]] at a checkpoint near Saraqeb, Idleb.
On 3 May 2023, an IED killed a local commander and his driver [[Yasser Hamoud]] in Daraa al-Balad.
On 20 June 2022, the body of a man named [[Saleh Mousa]] was found with gunshot wounds in Deir ez-Zor.
On 9 September 2021, SDF members arrested the mukhtar of the village, [[Sheikh Awad al-Ibrahim]], in Raqqa.
On 15 January 2025, gunmen on a motorbike shot dead [[Ghaith Aboud]], a pharmacist, in Homs city.
On 2 February 2024, an unknown group abducted the child [[Hamza Jumaa]] in Tafas, Daraa.
On 28 March 2025, armed men killed the brothers [[Ali]] and [[Ahmad Issa]] in Baniyas, Tartus.
On 11 July 2023, HTS executed [[Ihab Khattab]] in Idleb city on charges of collaboration.
On 30 October 2022, a landmine killed the shepherd [[Awad Hussein]] near Maskanah, Aleppo.
On 6 August 2024, gunmen assassinated the former rebel [[Qasim al-Zoubi]] in Busra al-Sham.
On 19 December 2024, the family of [[Nidal Farhat]] reported him missing after a raid in Tartus.
On 1 March 2025, fighters killed the doctor [[Mouna Suleiman]] at her clinic in Qardaha.
On 14 May 2023, an explosion killed [[Rezan Bakr]] and injured two others in Qamishli.
On 23 April 2022, regime intelligence arrested the lawyer [[Tamer Sabbagh]] in Damascus.
On 8 March 2025, the bodies of [[Jihad Ali]] and his son were found near al-Mukhtariyah.
On 5 November 2021, a sniper shot the girl [[Sidra]] in the southern countryside of Idleb.
On 17 September 2024, gunmen killed [[Abu Hussein al-Masri]], a local trader, in Azaz.
On 26 January 2023, Turkish-backed factions detained [[Shiyar Ahmad]] in Afrin.
On 9 March 2025, residents found the body of [[elias haddad]] in the orchards of Jableh.
""".strip().splitlines()

ACLED_TEMPLATES = [
    "On {d}, {a} shelled {p} in {g}. {n} civilians were killed. [size=no report]",
    "On {d}, clashes broke out between {a} and {b} near {p} ({g}). Fatalities unknown.",
    "On {d}, an airstrike by {a} hit a residential area in {p}, {g}, killing {n} civilians including children.",
    "On {d}, {a} arrested {n} people during a raid on {p} in {g}.",
    "On {d}, an IED exploded near a checkpoint of {a} in {p} ({g}), killing {n} members.",
    "On {d}, gunmen believed to be {a} attacked a vehicle on the road near {p}, {g}. {n} fatalities.",
    "On {d}, {a} drone targeted a motorcycle in {p} countryside ({g}), killing {n} people.",
    "On {d}, residents of {p} ({g}) protested against the presence of {a} in the town.",
    "On {d}, {a} executed {n} detainees in {p}, {g}, according to local sources.",
    "On {d}, Turkish forces and {a} exchanged artillery fire near {p} ({g}). No fatalities reported.",
    "On {d}, unidentified armed men abducted {n} civilians from {p} in {g}. Their fate is unknown.",
    "On {d}, a landmine left by {a} exploded in farmland near {p} ({g}), killing {n} farmers.",
]
ACLED_ACTORS = [
    "Military Forces of Syria",
    "Hayat Tahrir al-Sham",
    "the Syrian Democratic Forces",
    "the Syrian National Army",
    "Islamic State",
    "Unidentified Armed Group (Syria)",
    "General Security",
    "Sultan Murad Division",
    "Hamza Division",
    "the National Defence Forces",
    "Russian Air Force",
    "Israeli Air Force",
    "Police Forces of Syria",
    "Ahrar al-Sham",
    "Liwa al-Quds",
    "Men of Dignity",
    "Jaish al-Islam",
]
ACLED_PLACES = [
    ("Kafr Nabl", "Idleb"),
    ("Maarat al-Numan", "Idleb"),
    ("Jisr al-Shughur", "Idleb"),
    ("Ariha", "Idleb"),
    ("Tall Rifaat", "Aleppo"),
    ("Manbij", "Aleppo"),
    ("Al-Bab", "Aleppo"),
    ("Jarablus", "Aleppo"),
    ("Deir Hafer", "Aleppo"),
    ("Khan Shaykhun", "Idleb"),
    ("Tell Abiad", "Raqqa"),
    ("Ain Issa", "Raqqa"),
    ("Al-Mayadin", "Deir ez-Zor"),
    ("Abu Kamal", "Deir ez-Zor"),
    ("Hajin", "Deir ez-Zor"),
    ("Tafas", "Daraa"),
    ("Nawa", "Daraa"),
    ("Jasim", "Daraa"),
    ("Sanamayn", "Daraa"),
    ("Shahba", "As-Suwayda"),
    ("Jableh", "Latakia"),
    ("Baniyas", "Tartus"),
    ("Talkalakh", "Homs"),
    ("Al-Qusayr", "Homs"),
    ("Rastan", "Homs"),
    ("Salamiyeh", "Hama"),
    ("Kafr Zita", "Hama"),
    ("Souran", "Hama"),
    ("Douma", "Rif Dimashq"),
    ("Zabadani", "Rif Dimashq"),
    ("Qamishli", "Al-Hasakah"),
    ("Ras al-Ain", "Al-Hasakah"),
    ("Tal Tamr", "Al-Hasakah"),
    ("Dar'a al-Balad", "Daraa"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]

AR_NAMED = """
قال [[محمد الأحمد]] إن المسلحين دخلوا القرية في الليل.
قتل الشاب [[علي حسن]] برصاص قناص في حي القصور.
أفادت مصادر محلية بمقتل [[أبو خالد]] وزوجته في منزلهما.
وقالت [[أم أحمد]] إنها اختبأت مع بناتها طوال الليل.
عثر الأهالي على جثة [[سامر الخطيب]] قرب الحاجز.
اعتقلت قوات الأمن الطبيب [[هيثم منصور]] من عيادته.
قال الشيخ [[محمود الحمد]] إن الرجال اقتيدوا إلى جهة مجهولة.
قتل [[يوسف]] و[[إبراهيم]] أمام أطفالهما.
وذكرت [[رنا خوري]] أن الجثث بقيت في الشارع يومين.
أعدم مسلحون المدعو [[جميل درويش]] في ساحة البلدة.
قال شقيقه [[طارق سليمان]] إن العائلة فرت إلى الجبال.
كانت الطفلة [[مريم]] في التاسعة من عمرها.
وثق الناشط [[عمر عبد الرحمن]] آثار الغارة.
لقي المواطن [[نزار قاسم]] حتفه تحت التعذيب.
قالت الممرضة [[ريم حداد]] إن المستشفى نفد منه الدم.
اختطف مجهولون الطفل [[حمزة جمعة]] في بلدة طفس.
قتل المزارع [[عواد حسين]] بانفجار لغم في أرضه.
وأكد [[فادي صالح]] أن المسلحين أحرقوا محله وسيارته.
قال [[كريم نصار]] إنه أحصى أربع عشرة جثة في الساحة.
وقالت [[سعاد]] إن أبناءها الثلاثة أعدموا أمامها.
اعتقل الطالب [[عمار زين]] من السكن الجامعي.
قتل [[باسل إبراهيم]] وهو طالب في الثانية والعشرين.
أفاد [[أيهم ديب]] بأنه اختبأ تحت درج جاره.
قتل الأخوان [[يحيى]] و[[زكريا محسن]] في القصف.
وقال [[غسان يعقوب]] وهو ضابط متقاعد إنهم أخذوا كل شيء.
نقلت الوكالة عن [[لمى العلي]] قولها إن زوجها مفقود منذ المداهمة.
قتل [[رضوان الشامي]] برصاص مسلحين على دراجة نارية.
أصيبت [[هالة]] بشظايا وهي في مستشفى اللاذقية.
دفن الأهالي [[مصطفى حمدان]] في حديقة المنزل.
قال [[أبو فارس]] إن المهاجمين كانوا يرتدون بزات عسكرية.
قتل [[جورج حداد]] بسبب دينه كما قال الكاهن.
اعتقل [[مازن العلي]] على حاجز في طريق الساحل.
قتل القيادي السابق [[قاسم الزعبي]] في بصرى الشام.
وقال [[نبيل فاخوري]] إن ثلاثمئة عائلة نزحت من البلدة.
أعدمت الهيئة [[إيهاب خطاب]] بتهمة التعاون.
عثر على جثة [[صالح موسى]] وعليها آثار طلقات نارية.
قتل الصيدلاني [[غيث عبود]] في مدينة حمص.
قال [[شيار أحمد]] إن الفصيل استولى على أرضه.
وقالت [[بيريفان حسن]] إن زوجها مفقود.
قتلت الطبيبة [[منى سليمان]] في عيادتها في القرداحة.
قال [[وليد]] إنه رأى جاره يسقط أمام المسجد.
أكد [[ماجد كنعان]] أن شقيقه أعدم في الساحة.
وقالت [[سميرة نصر]] إن الجنود أخذوا هاتفه وأمواله.
قتل [[حسين علي محمود]] مع ولديه.
وقال [[زاهر الخطيب]] إن القذيفة أصابت منزله.
عثرت العائلة على [[خالد]] مقيد اليدين في البستان.
قال [[عبد الله الحسن]] إن المسلحين سألوا عن الطائفة.
قتل [[أنس كردي]] بعد توقيفه على حاجز.
أفادت [[هبة جابر]] بأنها فقدت ستة من أفراد عائلتها.
قتل [[رامي]] و[[مجد]] في الليلة نفسها.
""".strip().splitlines()

AR_PLAIN = """
قتل ثلاثة مدنيين في قصف على بلدة في ريف إدلب الجنوبي.
قال سكان إن المسلحين دخلوا القرية في الليل وأطلقوا النار على المنازل.
أفادت مصادر محلية بمقتل خمسة أشخاص بينهم طفلان في غارة جوية.
وثق المرصد السوري لحقوق الإنسان مقتل أكثر من ألف مدني في الساحل.
قالت وزارة الداخلية إنها فتحت تحقيقا في الانتهاكات.
شنت طائرات حربية غارات على أطراف مدينة معرة النعمان.
اندلعت اشتباكات بين قوات الأمن العام ومسلحين من فلول النظام في ريف جبلة.
قال شاهد عيان إن الجثث بقيت في الشوارع يومين.
نزحت مئات العائلات من القرى الساحلية إلى الجبال.
أعلنت الحكومة حظر تجول في عدد من مدن الساحل.
قتل عنصران من قوات سوريا الديمقراطية بانفجار عبوة ناسفة في ريف دير الزور.
قالت امرأة إن المسلحين سألوا الرجال عن طائفتهم ثم اقتادوهم.
أصيب عشرة أشخاص بقصف مدفعي على حي سكني في مدينة حلب.
ذكرت الشبكة السورية لحقوق الإنسان أن الحصيلة ارتفعت إلى ثمانمئة قتيل.
قال مصدر طبي إن المستشفى استقبل خمسة وثلاثين جريحا معظمهم من النساء والأطفال.
انفجرت سيارة مفخخة قرب سوق شعبي في مدينة الباب.
قالت الأمم المتحدة إنها وثقت عمليات إعدام ميدانية في عدة قرى.
دخلت قوات الجيش إلى البلدة بعد معارك استمرت ساعات.
أفاد ناشطون بسقوط قذائف هاون على أحياء في دمشق.
قال أحد السكان إنهم دفنوا القتلى في مقبرة جماعية.
عثر الأهالي على جثث عدة أشخاص قرب الطريق العام.
قالت مصادر إن الطائرات المسيرة استهدفت سيارة على طريق الساحل.
تعرضت قرية في ريف حماة لقصف صاروخي أدى إلى دمار عدد من المنازل.
طالبت عائلات الضحايا بمحاسبة الجناة.
أعلنت الهيئة سيطرتها على عدة قرى في ريف حلب الغربي.
قال مراسلنا إن الطريق بين اللاذقية وجبلة أغلق.
قتل مدنيان برصاص قناص في حي بالقرب من المسجد.
اعتقلت قوات الأمن عشرات الشبان خلال حملة مداهمات في المدينة.
قال الدفاع المدني السوري إن فرقه انتشلت اثني عشر شخصا من تحت الأنقاض.
أحرق مسلحون منازل ومحلات في القرية بعد نهبها.
نقلت وكالة سانا عن مصدر عسكري أن الجيش صد هجوما على مواقعه.
قالت لجنة التحقيق إنها ستنشر تقريرها خلال أشهر.
نزح آلاف المدنيين نحو الحدود التركية هربا من القصف.
قال أحد الناجين إنه اختبأ في منزل جيرانه حتى الصباح.
أكدت مصادر أهلية مقتل سبعة أشخاص من عائلة واحدة.
استهدفت غارة إسرائيلية موقعا عسكريا قرب مطار دمشق.
قال الهلال الأحمر العربي السوري إن فرقه منعت من الدخول ثلاثة أيام.
وقعت اشتباكات عنيفة بين فصائل الجيش الوطني السوري في عفرين.
قالت مصادر محلية إن المسلحين أطلقوا النار على كل من تحرك.
تظهر مقاطع فيديو متداولة جثثا في ساحة البلدة.
قال مسؤول في المحافظة إن الكهرباء ستعود خلال أيام.
قتل أربعة عناصر من الجيش في هجوم لتنظيم الدولة الإسلامية في البادية.
قال سكان إنهم سمعوا دوي الانفجارات طوال الليل.
أفاد الأهالي بأن القوات فصلت الرجال عن النساء.
قالت منظمة هيومن رايتس ووتش إن عمليات القتل قد ترقى إلى جرائم حرب.
سقطت قذيفة على مدرسة في ريف درعا دون وقوع إصابات.
قال نازح في مخيم إنهم تركوا كل شيء خلفهم.
ارتفعت حصيلة ضحايا المجزرة إلى أربعين قتيلا بينهم نساء.
قالت الحكومة إن فلول النظام السابق هاجموا حواجز الأمن العام.
""".strip().splitlines()


# Written after the rule was tuned, to be hard, and never tuned on: all in the held-out split.
HARD = """
en|A man called [[Jaber]] said the convoy was hit twice.
en|"[[Hamdo]] was my best friend," said a young man at the funeral.
en|Relatives listed the dead: [[Ahmed]], [[Walid]], [[Sami]] and [[Ruqaya]].
en|The journalist [[Marie Colvin]] was killed in Baba Amr in 2012.
en|[[Kinan Wassouf]] described the checkpoint as a death trap.
en|"I am [[Abu Jaafar]], and I saw everything," the man said on the video.
en|Her fiance, [[Louay]], has been missing since 2014.
en|The priest, Father [[Frans van der Lugt]], was shot in the garden of the monastery.
en|[[Wissam]] and [[Yamen]] left the house at six and never came back.
en|One survivor, [[Nadia Murad]], later testified at the United Nations.
en|A video shows [[Hamzeh al-Khatib]], 13, whose body was returned to his family.
en|[[Tal al-Mallohi]], a blogger, was detained in 2009.
en|"Ask [[Suheila]] what they did to us," the old woman said.
en|[[Hazem]]'s mother said he was taken from the bakery.
en|Nurse [[Amira]] said the ward was hit at midnight.
en|The Old City of Homs was besieged for two years.
en|Tishreen Dam was hit by drones, cutting power to Aleppo.
en|Clashes erupted near the Grand Mosque and the Citadel.
en|Defectors from the Free Syrian Army joined the new brigade.
en|The Alawite Religious Council condemned the killings.
en|Doctors Without Borders said its supported hospitals were overwhelmed.
en|The Jableh National Hospital received 60 bodies in one day.
en|Students at Tishreen University held a vigil on Sunday.
en|The Assad government denied using barrel bombs.
en|Residents of Bustan al-Qasr said snipers controlled the crossing.
en|Fighters from Jaysh al-Nasr moved into the Ghab Plain.
en|The European Union announced new sanctions.
en|Violence spread to Qadmous, Masyaf and Wadi al-Nasara.
en|The Supreme Committee for Civil Peace met in Damascus.
en|An Israeli strike hit the Mezzeh military airport.
en|Rescue workers said the Sheikh Maqsoud neighbourhood was shelled.
en|Families gathered outside Saydnaya prison looking for relatives.
ar|قال [[أبو جعفر]] إنه رأى كل شيء من النافذة.
ar|وقال [[كنان وسوف]] إن الحاجز كان مصيدة للموت.
ar|قتل [[حمدو]] صديقه المقرب كما قال أحد الشبان.
ar|اعتقل [[لؤي]] منذ عام ألفين وأربعة عشر.
ar|خرج [[وسام]] و[[يامن]] من المنزل ولم يعودا.
ar|سلمت جثة [[حمزة الخطيب]] إلى عائلته.
ar|قالت [[سهيلة]] إن المسلحين أخذوا الرجال.
ar|أغلقت المحلات في السوق القديم بعد القصف.
ar|اجتمعت لجنة السلم الأهلي في دمشق.
ar|تجمعت عائلات أمام سجن صيدنايا بحثا عن ذويها.
ar|استهدفت غارة مطار المزة العسكري.
ar|انقطعت الكهرباء عن مدينة حلب بعد استهداف سد تشرين.
ar|أدان المجلس الإسلامي العلوي عمليات القتل.
ar|قالت منظمة أطباء بلا حدود إن المشافي امتلأت بالجرحى.
ar|امتد العنف إلى القدموس ومصياف ووادي النصارى.
ar|قال سكان حي الشيخ مقصود إن القصف استمر ساعات.
""".strip().splitlines()


# Written for the second pass (issue 17) *before* the rules were changed again, and run once at the
# end: the held-out split. The earlier dev and test rows were all looked at while tuning, so they
# are the calibration part now.
HELDOUT = """
en|"They dragged [[Bilal]] out of the car and beat him," his sister said.
en|[[Rasha Hamwi]], a nurse at the field hospital, said dozens arrived with burns.
en|The shop belonged to [[Georges Haddad]], who was killed on the second day.
en|A farmer identified only as [[Abu Hussam]] said his olive groves were burned.
en|"My son [[Qusai]] is still missing," said a father outside the morgue.
en|[[Muna]], 41, said armed men searched every room for her husband.
en|Among the detainees was [[Iyad Sabbagh]], a pharmacist from the old quarter.
en|"We called [[Tamer]] again and again but his phone was off," his friend said.
en|The bodies of [[Ammar]] and his father [[Nabil Darwish]] were found by the river.
en|Teacher [[Hiba Salloum]] said half her pupils never returned after the attack.
en|[[Shadi]] told reporters he escaped by climbing onto the roof.
en|"[[Um Yasser]] fed the whole street during the siege," a neighbour recalled.
en|Human rights lawyer [[Anwar Bunni]] documented the arrests.
en|The child, [[Sidra]], lost both legs in the blast.
en|Relatives named the men as [[Fawaz Issa]], [[Habib Issa]] and [[Rabie Mansour]].
en|"I begged them to leave [[Noura]] alone," her mother said.
en|[[Mahmoud]] and [[Youssef]], brothers aged 17 and 19, were shot at the checkpoint.
en|The imam of the village, [[Sheikh Adnan]], was taken from the mosque.
en|Her grandson [[Karam]] was the only one who survived.
en|[[Lama]] said the gunmen asked whether they were Sunni or Alawite.
en|An engineer, [[Wassim Khoury]], was abducted on the road to the coast.
en|"[[Dalia]] was holding the baby when the shell landed," her husband said.
en|Medics carried [[Omar Haj Ali]], 8, to the ambulance.
en|The detained activist [[Razan]] has not been heard from since 2013.
en|His widow, [[Samira Kanaan]], asked for his body to be returned.
en|Shelling hit a bakery in the town centre, killing five people.
en|"Nobody warned us before the strike," a resident of the camp said.
en|Armed men in military uniforms set up checkpoints at the entrances of the village.
en|The Red Crescent said it could not reach the area for three days.
en|Hundreds of families fled towards the mountains overnight.
en|Security forces said they had arrested members of a cell in Tartous.
en|"The water was cut for a week and the children fell ill," a mother said.
en|Drone strikes targeted a convoy on the Aleppo-Latakia highway.
en|Local sources said the attackers came from neighbouring villages.
en|The ministry of health put the death toll at 73.
en|Unidentified gunmen opened fire on a minibus near the market.
en|Activists published a list of the missing but it could not be verified.
en|"They burned the houses one by one," said an elderly man who fled.
en|The UN envoy called for an independent investigation.
en|A mass grave was uncovered on the outskirts of the town.
en|Two brothers were killed and their father wounded in the raid.
en|Clashes continued into the night between government forces and local fighters.
en|Volunteers buried the dead in a public garden because the cemetery was unsafe.
en|The hospital director said the generators had run out of fuel.
en|A journalist working for a local outlet was briefly detained.
en|Schools in the district were closed after the massacre.
en|"We heard screaming from the house next door," a survivor said.
en|The attack came hours after a curfew was announced.
en|Residents said the electricity had been cut since the morning.
en|Observers counted at least 40 strikes on the eastern villages.
ar|قال شقيق [[بلال]] إن المسلحين ضربوه أمام الجميع.
ar|أكدت الممرضة [[رشا حموي]] وصول عشرات المصابين بحروق.
ar|قتل [[جورج حداد]] صاحب المحل في اليوم الثاني.
ar|قال مزارع يدعى [[أبو حسام]] إن بساتين الزيتون أحرقت.
ar|ما زال ابني [[قصي]] مفقودا، قال أب أمام المشرحة.
ar|قالت [[منى]] إن مسلحين فتشوا كل غرف المنزل.
ar|من بين المعتقلين الصيدلاني [[إياد صباغ]].
ar|عثر على جثتي [[عمار]] ووالده [[نبيل درويش]] قرب النهر.
ar|قالت المعلمة [[هبة سلوم]] إن نصف تلاميذها لم يعودوا.
ar|روى [[شادي]] أنه نجا بالصعود إلى السطح.
ar|كانت [[أم ياسر]] تطعم الحي كله أثناء الحصار.
ar|فقدت الطفلة [[سدرة]] ساقيها في الانفجار.
ar|أسماء الضحايا: [[فواز عيسى]] و[[حبيب عيسى]] و[[ربيع منصور]].
ar|توسلت إليهم أن يتركوا [[نورة]] وشأنها، قالت أمها.
ar|خطف المهندس [[وسيم خوري]] على طريق الساحل.
ar|طالبت أرملته [[سميرة كنعان]] بتسليم جثمانه.
ar|نقل المسعفون [[عمر حاج علي]] إلى سيارة الإسعاف.
ar|قال [[كرم]] إنه الناجي الوحيد من عائلته.
ar|سأل المسلحون [[لمى]] عن طائفتها.
ar|اختفت الناشطة [[رزان]] منذ عام 2013.
ar|قصف مخبز في وسط البلدة ما أدى إلى مقتل خمسة أشخاص.
ar|قال أحد سكان المخيم إن أحدا لم يحذرهم قبل الغارة.
ar|أقام مسلحون بلباس عسكري حواجز عند مداخل القرية.
ar|قال الهلال الأحمر إنه لم يتمكن من الوصول إلى المنطقة.
ar|نزحت مئات العائلات باتجاه الجبال خلال الليل.
ar|أعلنت قوات الأمن اعتقال أفراد خلية في طرطوس.
ar|استهدفت طائرات مسيرة رتلا على طريق حلب اللاذقية.
ar|قالت مصادر محلية إن المهاجمين جاؤوا من القرى المجاورة.
ar|أعلنت وزارة الصحة أن عدد القتلى بلغ ثلاثة وسبعين.
ar|فتح مسلحون مجهولون النار على حافلة صغيرة قرب السوق.
ar|نشر ناشطون قائمة بأسماء المفقودين لم يتسن التحقق منها.
ar|دعا المبعوث الأممي إلى تحقيق مستقل.
ar|عثر على مقبرة جماعية في أطراف البلدة.
ar|قتل شقيقان وأصيب والدهما في المداهمة.
ar|استمرت الاشتباكات حتى الليل بين القوات الحكومية ومقاتلين محليين.
ar|دفن متطوعون القتلى في حديقة عامة لأن المقبرة غير آمنة.
ar|قال مدير المشفى إن المولدات توقفت لنفاد الوقود.
ar|أغلقت المدارس في المنطقة بعد المجزرة.
ar|سمعنا صراخا من البيت المجاور، قال أحد الناجين.
ar|قال الأهالي إن الكهرباء مقطوعة منذ الصباح.
""".strip().splitlines()


# Written during the fourth pass (issue 17) to probe the new cue rules on fresh text while tuning;
# looked at, so calibration (split ``calib5``).
PROBE = """
ar|أعلنت السلطات المحلية عن افتتاح نقطة طبية جديدة في البلدة.
ar|تضررت شبكة الصرف الصحي بشكل كامل جراء القصف المتكرر.
ar|لجأ الأهالي إلى الكهوف والمغارات هربا من الغارات.
ar|أفادت تقارير عن وقوع انفجار ضخم في مستودع للذخيرة.
ar|ارتفعت أسعار المواد الأساسية بشكل غير مسبوق في الأسواق.
ar|تواصل فرق الهلال الأحمر توزيع السلال الغذائية على العائلات النازحة.
ar|شوهدت أعمدة الدخان تتصاعد من المنطقة الصناعية.
ar|رفضت الحكومة المؤقتة الاتهامات الواردة في التقرير.
ar|أكد شهود أن الطائرات حلقت على علو منخفض فوق الأحياء السكنية.
ar|تسبب القصف بخروج المستشفى الوحيد في المنطقة عن الخدمة.
ar|تعيش آلاف الأسر في خيام لا تقي من البرد.
ar|وصلت تعزيزات عسكرية إلى أطراف المدينة مساء الخميس.
ar|فرضت القوات طوقا أمنيا حول الحي ومنعت الدخول والخروج.
ar|انتشرت حواجز جديدة على مداخل القرى بعد الهجوم.
ar|سجلت المنظمة ارتفاعا في حالات الخطف مقابل فدية.
ar|قال أحد المسعفين إن الطرق كانت مقطوعة بسبب الركام.
ar|يخشى السكان من عودة المعارك مع اقتراب فصل الشتاء.
ar|أصدرت محكمة ميدانية أحكاما بحق عدد من الموقوفين.
ar|توقفت الدراسة في معظم المدارس منذ بدء العمليات العسكرية.
ar|دعت الأمم المتحدة إلى حماية المدنيين وضمان وصول المساعدات دون عوائق.
ar|اتهمت منظمة العفو الدولية الأطراف المتحاربة بارتكاب انتهاكات جسيمة.
ar|أحصى ناشطون سقوط أكثر من ثلاثين قذيفة على البلدة خلال ساعة واحدة.
ar|خرجت مظاهرة في ساحة المدينة تندد بالاعتقالات التعسفية.
ar|نقل الجرحى إلى مستشفيات تركيا عبر معبر باب الهوى.
ar|أكدت مصادر ميدانية استعادة القوات السيطرة على التلة الاستراتيجية.
ar|قالت امرأة مسنة إنها فقدت كل ما تملك في الحريق.
ar|يعمل المتطوعون ليلا ونهارا لإزالة الأنقاض وفتح الطرقات.
ar|نفذت الطائرات الروسية سلسلة غارات على ريف اللاذقية الشمالي.
ar|أفاد مراسلون بسماع أصوات اشتباكات بالأسلحة الثقيلة.
ar|تعرضت محطة ضخ المياه لأضرار جسيمة ما حرم آلاف السكان من مياه الشرب.
ar|قال الأب [[جوزيف]] إن الكنيسة فتحت أبوابها للنازحين.
ar|أصيب [[ميار]] بجروح خطيرة أثناء عودته من العمل.
ar|أعدم المسلحون [[أيمن الشيخ]] أمام أطفاله.
ar|قالت [[رهام]] إن أخاها اعتقل قبل عامين.
ar|خطف مجهولون [[شادي عرنوق]] من سيارته على طريق حمص.
ar|نعت عائلة [[منذر عباس]] ابنها الذي قتل في القصف.
ar|يروي [[أبو حسين]] تفاصيل ليلة المجزرة.
ar|وجدت [[سوزان]] ابنها بين الجثث في المشفى.
ar|تحدث [[ماهر عثمان]] عن الساعات التي قضاها تحت الركام.
ar|قتلت [[رزان]] مع والدتها بقذيفة سقطت على المنزل.
ar|اختفى [[عمرو]] منذ اقتحام الحي ولا يعرف أحد مكانه.
ar|قال [[معتز]] إن الحاجز منعه من إسعاف والده.
ar|أطلق قناص النار على [[نبيلة]] وهي تعبر الشارع.
ar|أكد [[غسان الأحمد]] أن المسلحين سرقوا سيارته.
en|"Grandma [[Fadwa]] would not leave without her chickens," her grandson said.
en|Government forces shelled the town of Kafr Zita for a second day.
en|A UN convoy reached the besieged area after weeks of negotiations.
en|The detainee [[Munzer]] was released after paying a bribe, his family said.
en|[[Zeinab]] and [[Hussein]] were married a week before the attack.
en|The explosion shattered windows across the neighbourhood.
ar|قتل [[ضرغام]] برصاصة في صدره أثناء عودته إلى المنزل.
ar|اعتقلت دورية أمنية [[مجاهد قنوت]] من منزله في الحي.
ar|قالت [[تهاني]] إن زوجها خرج ولم يعد.
ar|نجا [[ورد]] من المجزرة بعد أن اختبأ في البئر.
ar|عثر على [[صهيب]] مقتولا قرب المقبرة.
ar|روت [[غفران العمر]] ما جرى ليلة الاقتحام.
ar|الطفل [[آدم]] لم يتجاوز الرابعة من عمره.
ar|اختطف المسلحون [[زاهي]] وشقيقه من محلهما.
ar|أكد [[هاشم]] أن المهاجمين كانوا يعرفون أسماء الضحايا.
ar|أصيب المزارع [[عبدو]] أثناء عمله في أرضه.
ar|وصل [[مروان]] و[[حسام]] إلى الحدود بعد ثلاثة أيام من المشي.
ar|تعرض [[نوار]] للضرب على الحاجز.
ar|تم تشييع [[أنطون]] في كنيسة القرية.
ar|غادر [[لؤي حجازي]] المدينة مع عائلته بعد تهديده.
ar|شارك مئات الأشخاص في تشييع جثامين الضحايا.
ar|تضاعفت أعداد النازحين في المدارس ومراكز الإيواء.
ar|طالب وجهاء المنطقة بسحب المظاهر المسلحة من الأحياء.
ar|أغلقت المحلات أبوابها وخلت الشوارع من المارة.
ar|شهد الريف الغربي موجة نزوح جديدة باتجاه المدينة.
ar|وزعت الجمعيات الخيرية مواد إغاثية على المتضررين.
ar|انتشرت رائحة الموت في أرجاء القرية بعد المجزرة.
ar|أكد مسؤول محلي أن الخسائر المادية كبيرة جدا.
ar|لم تتمكن فرق الإطفاء من السيطرة على الحريق إلا بعد ساعات.
ar|أعلنت هيئة تحرير الشام سيطرتها على عدة قرى في ريف حلب الغربي.
ar|ناشد الأهالي المنظمات الدولية التدخل لوقف الانتهاكات.
ar|دمرت الغارات جسرا رئيسيا يربط بين ضفتي النهر.
ar|تقدر الخسائر البشرية بالعشرات وفق حصيلة أولية.
ar|سقطت قذيفتان على حي سكني دون وقوع إصابات.
ar|توفي رجل مسن متأثرا بجروحه في المشفى.
ar|أشار التقرير إلى استخدام أسلحة محرمة دوليا.
""".strip().splitlines()


# Written for the third pass, before the rules were changed again (the HELDOUT rows above were
# scored once and then looked at: calibration since). Scored once, after that pass.
HELDOUT2 = """
en|"[[Yara]] was sleeping when the roof came down," her father said.
en|A shepherd, [[Salem Abu Ras]], found the bodies in a ravine outside the village.
en|Witnesses said [[Fouad]] was pulled out of the queue at the bakery.
en|The dead included a pharmacist, [[Ayman Ghanem]], and his wife.
en|"We never saw [[Kinda]] again," said a woman who shared her cell.
en|[[Obaida]], 16, was shot while fetching water.
en|His brother-in-law [[Hassan Makhlouf]] said the men came at dawn.
en|[[Raghad]] and her two children were found alive under the stairs.
en|"They took [[Issam]] because of his name," a relative told the monitor.
en|Nurse [[Lubna Haidar]] treated the wounded on the floor of the clinic.
en|The kidnappers released [[Elias]] after the family paid a ransom.
en|Footage shows [[Mohannad]] carrying his daughter through the smoke.
en|[[Abu Wael]], the village baker, refused to leave his oven.
en|A statement from the family of [[Zakaria Hamoud]] demanded answers.
en|"[[Reem]] kept asking where her father was," her aunt said.
en|The gunmen killed [[Suleiman Ahmad]] and his neighbour [[Jihad Mara]] on the spot.
en|Volunteer [[Bashar Kayali]] said his team recovered 30 bodies.
en|The student, [[Nisreen]], was arrested at the university gate.
en|[[Jawad]] spent four years in detention without charge.
en|Her last message to [[Rima]] said only: "They are here."
en|An old man, [[Hajj Mustafa]], was beaten and left on the road.
en|"My cousin [[Tamim]] was the first to die," he said.
en|Relatives of [[Marwa Saadeh]] identified her from a photograph.
en|The militia stopped [[Nadim]] at the checkpoint and searched his phone.
en|"I held [[Yusra]]'s hand until the ambulance came," said a neighbour.
en|[[Khalil Ibrahim]], a driver for the municipality, was killed in the strike.
en|The court sentenced [[Sami Lahham]] in absentia.
en|"[[Amal]] was twelve and she wanted to be a doctor."
en|A list shared by the family names [[Rabih]], [[Ziad]] and [[Hussam]].
en|[[Wafaa]] said the men wore black and spoke a dialect she did not know.
en|Gunmen attacked a checkpoint on the outskirts of the town, killing two guards.
en|The bodies were buried the same evening in a mass grave.
en|Government forces shelled the eastern neighbourhoods for a second day.
en|Local councils appealed for medical supplies.
en|"The streets were empty and the shops were shut," a resident said.
en|Displaced families are sheltering in schools and mosques.
en|A car bomb exploded near the central market on Thursday.
en|The monitor said it had documented at least 120 deaths.
en|Protesters gathered in the main square demanding the release of detainees.
en|"We buried them without washing the bodies," a man said.
en|Aid convoys were blocked at the crossing for three days.
en|The ministry of interior announced a curfew from dusk to dawn.
en|Clashes erupted after a patrol was ambushed on the coastal road.
en|Survivors described gunmen going from house to house.
en|Women and children made up most of the victims, according to medics.
en|The attack was condemned by the UN Security Council.
en|Water and electricity were cut across the district.
en|A field hospital was set up in a wedding hall.
en|Several villages were emptied of their residents overnight.
en|The armed group denied any role in the killings.
en|Rescuers dug through the rubble with their hands.
en|"Nobody came, nobody answered the phone," a woman said.
en|The investigation committee visited the site a week later.
en|Explosions were heard across the city after midnight.
en|The highway remained closed to civilian traffic.
en|A nurse said the morgue could take no more bodies.
en|Most of the dead were farmers working in their fields.
en|Families waited outside the hospital for news of the missing.
ar|قالت والدة [[يارا]] إن السقف انهار عليها وهي نائمة.
ar|عثر الراعي [[سالم أبو راس]] على الجثث في واد خارج القرية.
ar|أنزل المسلحون [[فؤاد]] من الطابور أمام المخبز.
ar|كان بين القتلى الصيدلاني [[أيمن غانم]] وزوجته.
ar|لم نر [[كندة]] بعد ذلك أبدا، قالت امرأة كانت معها في الزنزانة.
ar|أصيب [[عبيدة]] برصاصة وهو يجلب الماء.
ar|قال صهره [[حسان مخلوف]] إن الرجال جاؤوا عند الفجر.
ar|عثر على [[رغد]] وطفليها أحياء تحت الدرج.
ar|أخذوا [[عصام]] بسبب اسمه، قال أحد أقاربه.
ar|عالجت الممرضة [[لبنى حيدر]] الجرحى على أرض العيادة.
ar|أفرج الخاطفون عن [[إلياس]] بعد دفع فدية.
ar|يظهر [[مهند]] في الفيديو يحمل ابنته وسط الدخان.
ar|رفض [[أبو وائل]] خباز القرية ترك فرنه.
ar|طالبت عائلة [[زكريا حمود]] بمعرفة مصيره.
ar|قتل المسلحون [[سليمان أحمد]] وجاره [[جهاد مرعي]] على الفور.
ar|قال المتطوع [[بشار كيالي]] إن فريقه انتشل ثلاثين جثة.
ar|اعتقلت الطالبة [[نسرين]] عند باب الجامعة.
ar|أمضى [[جواد]] أربع سنوات في الاعتقال دون تهمة.
ar|ضرب المسن [[الحاج مصطفى]] وترك على الطريق.
ar|كان ابن عمي [[تميم]] أول من مات، قال الشاب.
ar|تعرف أقارب [[مروة سعادة]] عليها من صورة.
ar|أوقفت الميليشيا [[نديم]] على الحاجز وفتشت هاتفه.
ar|قتل [[خليل إبراهيم]] سائق البلدية في الغارة.
ar|كانت [[أمل]] في الثانية عشرة وتحلم بأن تصبح طبيبة.
ar|تضم القائمة أسماء [[ربيع]] و[[زياد]] و[[حسام]].
ar|قالت [[وفاء]] إن الرجال كانوا يرتدون السواد.
ar|حكمت المحكمة على [[سامي لحام]] غيابيا.
ar|نقل [[أحمد]] إلى المشفى بعد إصابته بشظايا.
ar|هاجم مسلحون حاجزا على أطراف البلدة ما أدى إلى مقتل عنصرين.
ar|دفنت الجثث في المساء نفسه في مقبرة جماعية.
ar|قصفت القوات الحكومية الأحياء الشرقية لليوم الثاني.
ar|ناشدت المجالس المحلية تقديم مستلزمات طبية.
ar|كانت الشوارع خالية والمحلات مغلقة، قال أحد السكان.
ar|تقيم العائلات النازحة في المدارس والمساجد.
ar|انفجرت سيارة مفخخة قرب السوق المركزي يوم الخميس.
ar|قال المرصد إنه وثق مقتل مئة وعشرين شخصا على الأقل.
ar|تجمع محتجون في الساحة الرئيسية مطالبين بالإفراج عن المعتقلين.
ar|دفناهم دون غسل الجثث، قال رجل من القرية.
ar|منعت قوافل المساعدات من العبور لثلاثة أيام.
ar|أعلنت وزارة الداخلية حظر التجول من الغروب حتى الفجر.
ar|اندلعت اشتباكات بعد تعرض دورية لكمين على الطريق الساحلي.
ar|وصف ناجون مسلحين يتنقلون من بيت إلى بيت.
ar|شكلت النساء والأطفال معظم الضحايا بحسب مسعفين.
ar|أدان مجلس الأمن الدولي الهجوم.
ar|انقطعت المياه والكهرباء عن المنطقة بأكملها.
ar|أقيم مشفى ميداني في صالة أفراح.
ar|أفرغت عدة قرى من سكانها خلال الليل.
ar|نفت المجموعة المسلحة أي دور لها في عمليات القتل.
ar|حفر المنقذون بين الأنقاض بأيديهم.
ar|لم يأت أحد ولم يرد أحد على الهاتف، قالت امرأة.
ar|زارت لجنة التحقيق الموقع بعد أسبوع.
ar|سمعت انفجارات في أنحاء المدينة بعد منتصف الليل.
ar|بقي الطريق السريع مغلقا أمام المدنيين.
ar|قالت ممرضة إن البراد لم يعد يتسع لمزيد من الجثث.
ar|كان معظم القتلى مزارعين يعملون في حقولهم.
ar|انتظرت العائلات أمام المشفى أخبار المفقودين.
ar|استهدفت غارة جوية مقرا عسكريا في ريف المدينة.
ar|أحرقت منازل عدة في القرية بعد نهبها.
ar|عادت بعض العائلات إلى بيوتها بعد توقف القصف.
ar|تعرضت سيارة إسعاف لإطلاق نار أثناء نقل الجرحى.
ar|أكد مصدر طبي وصول جثث مجهولة الهوية إلى المشفى.
ar|شيع الأهالي ضحايا المجزرة وسط إجراءات أمنية مشددة.
""".strip().splitlines()


# Written for the third pass (issue 17) *before* any rule was changed in that pass, scored once with
# the old rules and once at the end: the held-out split now. The second pass's held-out rows
# (HELDOUT2) were looked at during the third pass, so they are calibration (split ``calib4``).
HELDOUT3 = """
en|"[[Wissam]] went out to buy bread and never came back," his mother said.
en|On 4 March 2025, gunmen shot dead [[Mahmoud Sheikho]], a taxi driver, at the Jableh roundabout.
en|A teacher, [[Nadia Asaad]], said soldiers searched the school for weapons.
en|Residents said [[Abu Samir]] was taken by members of a local militia.
en|"I held [[Lama]] in my arms until the ambulance came," said her brother.
en|The SNHR recorded the death of [[Hussam Taleb]], 29, under torture.
en|[[Rawan]] and her husband fled on foot towards the mountains.
en|Cousins [[Adel]] and [[Munir Shaheen]] were executed at the checkpoint, a witness said.
en|[[Imad Kheir]] told Enab Baladi that his house was looted twice.
en|The old man, known as [[Abu Jamil]], refused to leave his shop.
en|"They shouted at [[Sana]] to open the door," a neighbour recalled.
en|The monitor named the victim as [[Ghaith Hamdan]], a mechanic.
en|[[Nawal]], 52, said the shells fell for three hours without stopping.
en|Paramedic [[Ziad Barakat]] said the team was fired upon near the bridge.
en|On 12 May, unidentified gunmen abducted [[Tony Khoury]] in Wadi al-Nasara.
en|"My grandson [[Kenan]] was seven," the old woman said.
en|According to the family, [[Ruba Issa]] had been held at the airport branch since 2014.
en|Villagers buried [[Hasan]] and his uncle [[Rafiq]] the same night.
en|[[Loay Marouf]], a journalist, was wounded by sniper fire.
en|"We asked the officer about [[Maher]] and he laughed," his wife said.
en|The girl, [[Tala]], was found under the rubble after ten hours.
en|A priest said that [[Father Boulos]] was stopped at the edge of the town.
en|"The water station has been out of service since Tuesday," a municipal official said.
en|On 9 March 2025, government forces clashed with gunmen in the countryside of Baniyas.
en|Unidentified gunmen killed three civilians on the road between Homs and Tartus.
en|A landmine explosion wounded two shepherds east of Palmyra.
en|The Syrian Civil Defence said its teams recovered 17 bodies from a well.
en|Displaced families are sleeping in mosques and schools, the UN said.
en|"Every night we hear shooting from the hills," a resident of the village said.
en|Turkish drones struck a vehicle near Qamishli, killing two SDF members.
en|Airstrikes hit the outskirts of Idlib city, according to local sources.
en|The local council announced that the bakery would reopen next week.
en|An IED exploded at a market in Azaz, injuring at least nine people.
en|Human Rights Watch said the killings may amount to war crimes.
en|Armed men set fire to several houses in the village after the clashes.
en|A medical source said the hospital in Latakia received 40 wounded.
en|Fighting between tribal groups and the SDF continued in Deir ez-Zor for a third day.
en|"We don't know who they were; they wore black and covered their faces," a woman said.
en|The interim government formed a committee to investigate the violations.
en|Hundreds of families returned to their homes after the ceasefire.
en|Security forces arrested four suspects in connection with the attack, the ministry said.
en|Protesters gathered in the main square of Suwayda demanding the release of detainees.
en|A child was killed by a stray bullet during a wedding in Daraa.
en|The road to the coast was reopened on Sunday, according to the governor's office.
ar|قال [[وسام الحلبي]] إن المسلحين دخلوا الحي عند الفجر.
ar|قتل الشاب [[مازن درويش]] برصاص قناص في حي الوعر.
ar|أفادت مصادر محلية بمقتل [[أبو عمر]] بعد اختطافه على الطريق.
ar|وثقت الشبكة السورية لحقوق الإنسان مقتل المدرّس [[نزار يوسف]] تحت التعذيب.
ar|نجت [[ريم]] وأختها من القصف لأنهما كانتا في القبو.
ar|قالت [[أم خالد]] إن ابنها اعتقل على حاجز قرب المدينة.
ar|عثر الأهالي على جثة [[سامر عيسى]] قرب النهر بعد ثلاثة أيام.
ar|ذكر شاهد عيان أن [[حسن عبود]] أعدم أمام منزله.
ar|قتل [[كريم]] وشقيقه [[رامي]] في الهجوم على القرية.
ar|أصيبت الطفلة [[جنى]] بشظايا في رأسها.
ar|قال الناشط [[عمار السيد]] لعنب بلدي إن القصف استمر طوال الليل.
ar|اختطف مسلحون مجهولون الطبيب [[باسل حداد]] من عيادته.
ar|أكدت [[سلمى]] أن زوجها لم يعد منذ يوم السبت.
ar|دفنت العائلة [[عدنان]] في حديقة المنزل لتعذر الوصول إلى المقبرة.
ar|روى [[أبو أحمد]] كيف هرب مع أطفاله إلى الجبال.
ar|اعتقلت قوات الأمن الصحفي [[فراس خليل]] في مدينة حمص.
ar|قالت المعلمة [[هدى سليمان]] إن المدرسة أغلقت منذ بداية الاشتباكات.
ar|لم يعرف مصير [[يوسف]] حتى اليوم بحسب عائلته.
ar|قُتل [[جورج نصر]] وزوجته داخل منزلهما في وادي النصارى.
ar|أخبرنا [[طارق]] أنه رأى الجثث في الشارع.
ar|وجدت جثة الشهيد [[محمد العلي]] على أطراف البلدة.
ar|قال الشيخ [[عبد الرحمن]] إن المسجد تضرر بشكل كبير.
ar|قال مصدر طبي إن المستشفى استقبل عشرات الجرحى خلال ساعات.
ar|شهدت مدينة جبلة اشتباكات عنيفة بين قوات الأمن العام ومسلحين.
ar|قتل ثلاثة مدنيين وأصيب خمسة آخرون بقصف مدفعي على ريف إدلب الجنوبي.
ar|أعلنت وزارة الداخلية فرض حظر تجول في مدينة اللاذقية حتى إشعار آخر.
ar|استهدفت طائرة مسيرة سيارة على الطريق الدولي قرب سراقب.
ar|قال الدفاع المدني السوري إن فرقه انتشلت جثث سبعة أشخاص من تحت الأنقاض.
ar|نزحت مئات العائلات من القرى الحدودية خلال الأسبوع الماضي.
ar|انفجرت عبوة ناسفة في سوق مدينة الباب ما أدى إلى إصابة عدد من المدنيين.
ar|أفاد المرصد السوري بمقتل 12 عنصرا من قوات سوريا الديمقراطية في هجوم لخلايا التنظيم.
ar|في 7 آذار 2025 دخلت مجموعات مسلحة إلى قرى ريف بانياس وارتكبت عمليات قتل.
ar|طالبت منظمات حقوقية بفتح تحقيق مستقل في الانتهاكات.
ar|يعاني سكان المخيمات من نقص حاد في المياه والغذاء والدواء.
ar|قال أحد السكان إن الرصاص كان يسمع من كل الجهات.
ar|تجمع عشرات المحتجين أمام مبنى المحافظة في السويداء للمطالبة بالإفراج عن المعتقلين.
ar|أغلقت الحواجز جميع مداخل المدينة منذ صباح اليوم.
ar|شنت فصائل المعارضة هجوما على مواقع الجيش في ريف حماة الشمالي.
ar|أكدت مصادر محلية أن المسلحين أحرقوا عددا من المنازل والمحال التجارية.
ar|أصدرت الأمم المتحدة بيانا عبرت فيه عن قلقها من تصاعد العنف في الساحل.
ar|وصل إلى المشفى الوطني في طرطوس أكثر من عشرين جثة مجهولة الهوية.
ar|لا نعرف من هم، كانوا ملثمين ويرتدون ثيابا سوداء، قالت امرأة من القرية.
ar|قتل طفل وأصيب اثنان بانفجار لغم من مخلفات الحرب في ريف دير الزور الشرقي.
ar|عاد التيار الكهربائي إلى معظم أحياء المدينة بعد انقطاع دام يومين.
""".strip().splitlines()


def _marked(line: str) -> tuple[str, list[list[object]]]:
    text, spans, pos = "", [], 0
    for m in re.finditer(r"\[\[(.+?)\]\]", line):
        text += line[pos : m.start()]
        spans.append([len(text), len(text) + len(m.group(1)), m.group(1)])
        text += m.group(1)
        pos = m.end()
    return text + line[pos:], spans


def _acled_plain() -> list[str]:
    out = []
    combos = itertools.product(range(len(ACLED_TEMPLATES)), range(len(ACLED_PLACES)))
    for k, (t, p) in enumerate(combos):
        if k % 4:
            continue  # a spread of templates × places
        place, gov = ACLED_PLACES[p]
        actor, other = ACLED_ACTORS[(t + p) % len(ACLED_ACTORS)], ACLED_ACTORS[(t + 2 * p + 5) % len(ACLED_ACTORS)]
        date = f"{(p * 7 + t) % 27 + 1} {MONTHS[(t + p) % len(MONTHS)]} {2019 + (t + p) % 7}"
        out.append(ACLED_TEMPLATES[t].format(d=date, a=actor, b=other, p=place, g=gov, n=(t * 3 + p) % 9 + 1))
    return out


def _plain_rows(kind: str, split: str, lines: list[str], first: int) -> list[dict[str, object]]:
    rows = []
    for line in lines:
        lang, _, body = line.partition("|")
        text, spans = _marked(body.strip())
        rows.append(
            {
                "id": f"{lang}-{kind}-{first + len(rows):04d}",
                "lang": lang,
                "kind": kind,
                "label": int(bool(spans)),
                "names": json.dumps(spans, ensure_ascii=False),
                "split": split,
                "text": text,
            }
        )
    return rows


def build() -> list[dict[str, object]]:
    """Return the rows of the set (ids stable: the held-out rows come last)."""
    groups = [
        ("en", "quote", EN_QUOTES_NAMED),
        ("en", "quote", EN_QUOTES_PLAIN),
        ("en", "note", ACLED_NAMED),
        ("en", "note", _acled_plain()),
        ("ar", "quote", AR_NAMED),
        ("ar", "quote", AR_PLAIN),
    ]
    rows = _plain_rows("hard", "test", HARD, 0)
    for lang, kind, lines in groups:
        for i, line in enumerate(lines):
            text, spans = _marked(line.strip())
            rows.append(
                {
                    "id": f"{lang}-{kind}-{len(rows):04d}",
                    "lang": lang,
                    "kind": kind,
                    "label": int(bool(spans)),
                    "names": json.dumps(spans, ensure_ascii=False),
                    "split": "dev" if i % 2 == 0 else "test",
                    "text": text,
                }
            )
    rows += _plain_rows("heldout", "calib3", HELDOUT, len(rows))  # scored once (second pass), then looked at
    rows += _plain_rows("heldout2", "calib4", HELDOUT2, len(rows))  # scored once (third pass), then looked at
    rows += _plain_rows("probe", "calib5", PROBE, len(rows))  # written and looked at while tuning (fourth pass)
    return rows + _plain_rows("heldout3", "heldout", HELDOUT3, len(rows))


def main() -> None:
    """Write the CSV beside this script."""
    rows = build()
    out = Path(__file__).with_name("redaction_set.csv")
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{out}: {len(rows)} texts, {sum(int(r['label']) for r in rows)} with personal names")


if __name__ == "__main__":
    main()
