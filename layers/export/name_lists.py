"""Word lists for name redaction (:mod:`layers.export.redact`): written for this project.

* given names (Latin transliterations and Arabic script) common in Syria and the region;
* honorifics, kinship words and ranks that introduce a personal name;
* capitalised English words that are never a personal name on their own;
* actors (armed groups, institutions, public figures) in English and Arabic: not private persons;
* Arabic words of news and conflict reporting that are not names.

These are general vocabularies, not the benchmark's names: ``bench/bench_redaction.py`` keeps a
held-out half of its labelled set to show how they do on text they were not written from.
"""

from __future__ import annotations

__all__ = [
    "ACTORS",
    "AMBIGUOUS_LOWER",
    "AR_GIVEN",
    "AR_KIN",
    "AR_MARKERS",
    "AR_PERSON_NOUNS",
    "AR_PERSON_VERBS",
    "AR_VOCAB",
    "GENERIC_WORDS",
    "GIVEN_LATIN",
    "HONORIFICS",
    "ROLES",
]

GIVEN_LATIN = frozenset(
    """
abdallah abdullah abdulla abd abdel abdul abdulrahman abdelrahman abdulaziz abdelaziz abdulkarim abdelkarim
abdulqader abdelkader abdulrazzaq abdulhamid abdulhadi abdulmajid abdulsalam abed adel adib adnan ahmad ahmed
ahmet aisha aysha akram ala alaa ali alia amal amani amer amin amina amira ammar amr anas anwar arwa asaad
asad asma ayman ayham aziz badr bakr bashir basel bassam bassel batoul bilal boutros bushra dana dalia dima
diana eyad fadi fadia fadwa fahd faisal farah fares faris farid farouk fatima fatma fawaz fawzi firas ghada
ghassan ghayth hadi hala hamad hamdi hamid hamza hana hanan hani haitham haytham hassan hasan hatem hazem
heba hiba hind hisham hossam hussam hussein husayn hussain ibrahim ihab imad iman ismail issa iyad jaber
jalal jamal jamil jana jihad joud jumaa kamal karam karim khaled khalid khalil kinda lama lamia lana laila
layla leila lina luay lubna madiha mahdi maher mahmoud majd majed majid malak malek malik manal mansour marah
marwa marwan maryam mariam maya mazen mohamad mohammad mohammed mohamed muhammad muhammed mohannad muhannad
moustafa mustafa mostafa muna mona munir murad musa mousa nabil nada nadia nader nadim naim najib najwa
nasser nasr nawal nizar noor nour nura nuha omar osama usama othman uthman qasim qassem rabia rafiq raghad
rami rana randa rania rasha rashid rawan rayan razan reem rim rima riad riyad rola ruba rukaya saad sabah
sabri safaa safwan sahar said saeed saleh salah salem salim salma salwa samer sami samia samir samira sana
sawsan shadi shahd shaker sham shams sharif shireen siham sima suad sulaiman suleiman sultan suha suhail
suheil tamer tarek tariq taha wael waleed walid wafaa wissam yahya yara yasmin yasser yassin yazan youssef
yousef yusuf zaher zahra zain zaid zakaria zeinab zaynab ziad ziyad zuhair
georges george elias hanna yohanna butros tony joseph rita hadeel haneen nisreen mays ola reham
azad berivan dilshad hevi rojda shiyar jiyan kawa rezan baran delal zozan sherwan
jawad hamdo hammoud hamoud wassim wasim yamen yaman tamim qusai qusay obaida ubaida raed ayham mouaz muaz
moaz ghaith ghayath nael naji nidal nawaf louay loay kenan kinan majdi moussa adham amjad anis basil ehab
elie fouad fuad haidar haider hamdan hussein humam jad jaafar jafar kusai laith layth maan mamoun mohsen
muhsen munzer mundhir nazih nazir osman qais qays rabie rabih rajab ramez rami ramzi saber sadiq samih
shukri sleiman talal tamim wajih yaser zakariya zuhair abboud abdo aboud hammam yamen
aya ayat bayan dalal duaa ghofran hadil hayat ilham inas israa jumana kholoud lamis lara layal lujain
maysa maysaa nahla najah nesrine noura nourhan rahaf rahma raneem rawia ruqaya sahar samar sidra souad
suhair suheir tala taghrid thuraya wafa widad yasmine zeina zaina zainab hayam rouba roula mirna
""".split()
)

#: Given names that are also ordinary lowercase words: a name only when capitalised.
AMBIGUOUS_LOWER = frozenset(
    "said amin salam sham nour noor hope rose aziz hadi karim jamil malak sultan bakr badr jana dana maya"
    " lama rita mona nada sabah sama hana".split()
)

HONORIFICS = frozenset(
    """
Mr Mrs Ms Miss Dr Abu Umm Um Sheikh Shaikh Sheik Haji Hajji Hajj Sayyid Sayed Sayeda Ustaz Ustadh Mukhtar
Imam Father Sister Brother Mother Uncle Aunt Colonel Col Lieutenant Lt Captain Capt Major Maj Sergeant Sgt
Brigadier Corporal Private Doctor Engineer Eng Mullah Mulla Sayyida Hajja Hajjeh Abou Oum Bin Ibn Bint
""".split()
)

#: English role words: a capitalised word right after one is read as a name ("the girl Sidra").
ROLES = frozenset(
    """
girl boy child man woman teenager student doctor nurse farmer shepherd teacher pharmacist lawyer trader merchant
driver engineer journalist activist detainee prisoner victim survivor resident villager brother brothers sister
sisters son daughter father mother husband wife widow uncle aunt cousin nephew niece neighbour neighbor mukhtar
priest imam officer soldier civilian elder baby infant toddler youth worker shopkeeper councillor mayor
fiance fiancee fiancé fiancée bride groom spouse grandson granddaughter grandfather grandmother grandchild
relative friend colleague orphan pupil schoolboy schoolgirl blogger poet writer singer artist photographer
cameraman medic paramedic surgeon dentist mechanic baker butcher tailor carpenter labourer laborer fisherman
guard volunteer preacher nun monk
""".split()
)

#: English verbs of speech: a capitalised word right before one is its speaker ("Shadi told reporters").
SPEECH_VERBS = frozenset(
    """
said says told tells recalled recalls added adds testified described describes explained explains wrote
writes insisted insists wept remembered remembers whispered screamed cried shouted pleaded begged asked
""".split()
)

#: Arabic verbs of speech: a word right after one that is not reporting vocabulary is its speaker.
AR_SPEECH_VERBS = frozenset(
    """
قال قالت يقول تقول أكد أكدت أضاف أضافت روى روت ذكر ذكرت أفاد أفادت صرح صرحت أوضح أوضحت تابع تابعت أشار
أشارت ناشد ناشدت سأل سألت أخبر أخبرت شهد شهدت
""".split()
)

#: Arabic verbs done to or by a person: an unknown word right after one (or after one and على/عن/مع)
#: is read as a name ("أصيب ميار", "أفرج الخاطفون عن ..."). Also reporting vocabulary.
AR_PERSON_VERBS = frozenset(
    """
قتل قتلت قتلوا أعدم أعدمت أعدموا اعتقل اعتقلت اعتقلوا اختطف اختطفت اختطفوا خطف خطفت خطفوا أصيب أصيبت جرح
جرحت استشهد استشهدت توفي توفيت نجا نجت اختفى اختفت فقد فقدت دفن دفنت دفنوا وجد وجدت وجدوا عثر عثرت أفرج
أفرجت أفرجوا أطلق أطلقوا أخذ أخذت أخذوا اقتاد اقتادوا أنزل أنزلوا ضرب ضربوا عذب عذبوا نر رأى رأيت رأينا
شاهد شاهدت شاهدنا خرج خرجت عاد عادت هرب هربت فر فرت غادر غادرت ترك تركت بقي بقيت زار زارت روى روت تحدث
تحدثت يروي تروي يتحدث نعى نعت نعوا شيع شيعوا يحمل حمل حملت يظهر تظهر ظهر ظهرت عالج عالجت أسعف أسعفت
يدعى تدعى سأل سألت سألنا بحث بحثت بحثنا أخبرنا أخبرني ودع ودعت انتظر انتظرت احتجز احتجزت احتجزوا أوقف أوقفت
أوقفوا ذبح ذبحوا صفى صفوا هدد هددوا اعتدى اعتدوا أسر أسرت أسروا اغتيل اغتيلت اغتال اغتالوا
""".split()
)

#: Arabic nouns of what is done to a person: an unknown word right after one is read as a name
#: ("مقتل X", "جثة X", "تشييع X", "مصير X"). Also reporting vocabulary.
AR_PERSON_NOUNS = frozenset(
    """
مقتل اعتقال اختطاف خطف إعدام اعدام تشييع جثة جثمان مصير استشهاد وفاة اغتيال تصفية احتجاز اختفاء إصابة
اصابة تعذيب إطلاق اطلاق سراح
""".split()
)

#: Arabic kinship words (with their possessive endings): an unknown word right before one is a name.
AR_KIN = frozenset(
    """
زوجته زوجها زوجتي زوجي ابنه ابنها ابنته ابنتها ابنيه ابنيها أبناؤه أبناؤها أولاده أولادها طفله طفلها طفليه
طفليها أطفاله أطفالها شقيقه شقيقها شقيقته شقيقتها شقيقاه أخوه أخيه أخاه أخوها أخته أختها والده والدها
والدته والدتها أبوه أبيه أمه أمها عمه عمها خاله خالها جده جدها جدته جدتها جاره جارها جارته جارتها صديقه
صديقها صهره صهرها حفيده حفيدها ابن بن بنت
""".split()
)

GENERIC_WORDS = frozenset(
    """
Dam Airbase Stadium Roundabout Gate Citadel Bakery Jaysh Jaish Medics Tishreen Kanun Adar Ayyar Haziran
Tammuz Aylul Shbat
The A An On In At By Of For From To With And But Or As After Before During When While Since Until Over Under
This That These Those Its It He She They We His Her Their Our There Here Some Many Most All Both Each Other
According Among Between Also Later Earlier Then Now However Meanwhile Although If Not No Yes One Two Three
Four Five Six Seven Eight Nine Ten Dozens Hundreds Thousands Several Few At Around About Near Into Onto Off
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Ramadan Eid Christmas Easter
Syria Syrian Syrians Arab Arabs Alawite Alawites Sunni Sunnis Shia Shiite Shiites Druze Christian Christians
Kurdish Kurds Kurd Turkmen Circassian Armenian Assyrian Bedouin Yazidi Ismaili Ismailis Palestinian Palestinians
Russian Russians Iranian Iranians Turkish Lebanese Israeli Israelis Iraqi Iraqis Jordanian American Americans
British French German Islamic Muslim Muslims Jihadist Jihadists Salafist Islamist Islamists Alawi Alawis
Ministry Minister Defense Defence Interior Security Forces Force General Army Armed Military Republican Guard
Division Brigade Brigades Battalion Regiment Unit Units Government Regime State Authority Authorities
President Presidency Council Committee Commission Inquiry Office Observatory Network Human Rights Watch United
Nations Nation UN High Commissioner Agency Press News International Amnesty Free Opposition National Coalition
Front Coast Coastal Province Governorate Countryside City Town Village Villages District Subdistrict Region
Northern Southern Eastern Western Central North South East West Northeast Northwest Southeast Southwest
Mountains Mountain River Valley Plain Desert Highway Road Airport Air Base Hospital Clinic Mosque Church
Square Street Market School University Bridge Checkpoint Prison Camp Camps Farm Farms Neighbourhood
Neighborhood Quarter Area Areas Countryside Outskirts Suburb Suburbs Associated UK US USA UK-based
Britain-based London-based Guardian Mediterranean Intelligence First Second Third Fourth Fifth Late Early
Russia Iran Turkey Lebanon Israel Iraq Jordan Europe European Union Golan Heights Euphrates Orontes Badia
Unidentified Unknown Armed Group Groups Militia Militias Gunmen Fighters Fighter Rebels Rebel Soldiers Soldier
Police Civilians Civilian Protesters Protestors Demonstrators Rioters Residents Witnesses Witness Activists
Activist Sources Source Local Media Reports Report Footage Video Videos Photos Fatalities Fatality Casualties
Victims Victim Families Family Children Women Men Man Woman Boy Girl Boys Girls Child Elderly People
Killed Injured Wounded Dead Bodies Body Attack Attacks Airstrike Airstrikes Strike Strikes Shelling Shell
Shells Clashes Clash Battle Battles Fighting Explosion Explosions Remote Violence IED Drone Drones Mortar
Mortars Rocket Rockets Missile Missiles Landmine Mine Mines Sniper Snipers Gunfire Raid Raids Arrest Arrests
Abduction Abductions Kidnapping Execution Executions Massacre Massacres Protest Protests Riots Riot
Violence Against Strategic Developments Development Peaceful Looting Property Destruction Disrupted Weapons
Use Chemical Agreement Ceasefire Truce Displacement Return Sexual Torture Mob Excessive Change Headquarters
Reportedly Reported Allegedly Unconfirmed Confirmed Estimated Total Overall Toll Death Deaths Several
Pro-government Anti-government Pro-Assad Pro-regime Pro-Turkish Turkish-backed Iran-backed Russian-backed
Former Ex-regime Remnants Loyalists Loyalist Elements Members Member Commander Commanders Leader Leaders
Officials Official Spokesman Spokesperson Statement Sunday's Saturday's Friday's Syria's Reuters AFP AP
Christians' Agence France-Presse BBC CNN Al Jazeera Arabiya Enab Baladi SANA SOHR SNHR HRW ACLED UCDP OHCHR
Emergency Medical Relief Humanitarian Aid Red Crescent Cross Civil Defence Defense Helmets White WHO UNICEF
Department Directorate Services Service General's Prosecutor Court Courts Justice Transitional Caretaker
Interim New Old Great Grand Holy Saint St Mount Lake Sea Gulf Plateau Hill Hills Tell Tal Jebel Jabal
Who What Where Why How Which Whose Whom Everyone Nobody Somebody Anyone Nothing Everything Today Yesterday
Tomorrow Last Next Week Month Year Night Morning Evening Afternoon Dawn Noon Midnight Hours Days Weeks
Months Years It's There's We're They're I I'm My Me You Your Yours Mine Us Them Him Hers Let Please Thank God
Allah Hamdulillah Inshallah Mashallah Lord Prophet Quran Koran Friday Prayers Prayer Funeral Funerals
Graves Grave Cemetery Burial Mass Massive Heavy Light Small Large Big Little Black Red Green Blue Yellow
Everywhere Nowhere Inside Outside Behind Ahead Along Across Through Throughout Without Within Against Upon
Please Help Stop Enough Never Always Again Still Only Just Even Yet Already Almost Nearly Perhaps Maybe
Those Such Same Own Another Every Any Much More Less Least Very Too So Than Because Though Unless Whether
Be Is Are Was Were Been Being Have Has Had Do Does Did Will Would Shall Should Can Could Might Must
They'd We'd He'd She'd Don't Didn't Can't Won't Isn't Wasn't Aren't Weren't Doesn't Haven't Hasn't
Government-held Opposition-held Rebel-held SDF-held Regime-held Notes Note Event Events Type Sub-event Actor
Actors Admin Location Latitude Longitude Geo-precision Timestamp Iso Region Country Interaction Civilians'
Syrian-Turkish Turkish-Syrian Lebanese-Syrian Syrian-Lebanese Jordanian-Syrian Iraqi-Syrian Border Crossing
Islamic State ISIS ISIL IS Daesh Hezbollah HTS SDF SNA FSA YPG YPJ PKK PYD NDF IRGC SAA Asayish MSF ICRC
Sharia Shariah Emirate Caliphate Jihad Mujahideen Ansar Jaish Liwa Firqa Faylaq Harakat Jabhat Saraya Quwat
Kafr Kfar Kafar Deir Dayr Ain Ayn Jisr Khan Maarat Maaret Beit Bayt Tall Bab Qasr Hay Hayy Wadi Ras
Marj Bir Qalaat Qalat Tell Jabal Jebel Hama Homs Idlib Idleb Aleppo Damascus Latakia Lattakia Tartus Tartous Daraa
Deraa Raqqa Hasakah Hasakeh Quneitra Suwayda Sweida Rif Dimashq Reef Ez-Zor Ez-zor Zor
Al Ahl Ahrar Nusra Tahrir Sham Hayat Hayat Tahrir Amn Amn Dawla Fawj Katibat Kataib Tajammu
""".split()
)

#: Armed groups, institutions and public figures: names of actors, not of private persons.
ACTORS = (
    "Military Forces of Syria",
    "Police Forces of Syria",
    "Syrian Arab Army",
    "Hayat Tahrir al-Sham",
    "Syrian Democratic Forces",
    "Syrian National Army",
    "Free Syrian Army",
    "National Defence Forces",
    "National Defense Forces",
    "Islamic State",
    "Jabhat al-Nusra",
    "Ahrar al-Sham",
    "Jaish al-Islam",
    "Faylaq al-Rahman",
    "Faylaq al-Sham",
    "Sultan Murad Division",
    "Sultan Murad Brigade",
    "Hamza Division",
    "Al-Hamza Division",
    "Suleiman Shah Brigade",
    "Sultan Suleiman Shah Division",
    "Amshat",
    "Ahrar al-Sharqiya",
    "Jaish al-Izza",
    "Tiger Forces",
    "Desert Hawks",
    "Fourth Division",
    "4th Armoured Division",
    "25th Special Mission Forces Division",
    "Quwat al-Ridha",
    "Liwa al-Quds",
    "Liwa Fatemiyoun",
    "Liwa Zainebiyoun",
    "Revolutionary Guard Corps",
    "Islamic Revolutionary Guard Corps",
    "Quds Force",
    "Russian Air Force",
    "Israeli Air Force",
    "Turkish Armed Forces",
    "Kurdistan Workers' Party",
    "Southern Operations Room",
    "Military Operations Command",
    "General Security",
    "General Security Service",
    "Public Security",
    "Men of Dignity",
    "Rijal al-Karama",
    "Suwayda Military Council",
    "Deir ez-Zor Military Council",
    "Manbij Military Council",
    "Syrian Observatory for Human Rights",
    "Syrian Network for Human Rights",
    "Syrian Civil Defence",
    "White Helmets",
    "Syrian Arab Red Crescent",
    "Violations Documentation Center",
    "Bashar al-Assad",
    "Hafez al-Assad",
    "Maher al-Assad",
    "Ahmed al-Sharaa",
    "Ahmad al-Sharaa",
    "Abu Mohammed al-Jolani",
    "Abu Mohammad al-Julani",
    "Abu Bakr al-Baghdadi",
    "Asma al-Assad",
    "Suhail al-Hassan",
    "Mazloum Abdi",
    "Hassan Nasrallah",
    "Vladimir Putin",
    "Recep Tayyip Erdogan",
    "Benjamin Netanyahu",
    "Donald Trump",
    "Joe Biden",
    "Antonio Guterres",
    "Geir Pedersen",
    "Volker Turk",
    "Volker Türk",
    "Asaad al-Shaibani",
    "Murhaf Abu Qasra",
    "Anas Khattab",
    "Hikmat al-Hijri",
    "Rami Abdulrahman",
    "Rami Abdel Rahman",
    "Fadel Abdul Ghany",
    "Jeremy Laurence",
    "Ravina Shamdasani",
    "Paulo Pinheiro",
    "Paulo Sergio Pinheiro",
    "هيومن رايتس ووتش",
    "منظمة العفو الدولية",
    "هيئة تحرير الشام",
    "قوات سوريا الديمقراطية",
    "الجيش الوطني السوري",
    "الجيش العربي السوري",
    "الجيش السوري الحر",
    "تنظيم الدولة الإسلامية",
    "الدولة الإسلامية",
    "جبهة النصرة",
    "أحرار الشام",
    "جيش الإسلام",
    "فيلق الرحمن",
    "فيلق الشام",
    "فرقة السلطان مراد",
    "فرقة الحمزة",
    "فرقة سليمان شاه",
    "العمشات",
    "أحرار الشرقية",
    "قوات الدفاع الوطني",
    "الفرقة الرابعة",
    "قوات النمر",
    "الحرس الثوري",
    "حزب الله",
    "المرصد السوري لحقوق الإنسان",
    "الشبكة السورية لحقوق الإنسان",
    "الدفاع المدني السوري",
    "الخوذ البيضاء",
    "الهلال الأحمر العربي السوري",
    "الهلال الأحمر",
    "الصليب الأحمر",
    "أطباء بلا حدود",
    "الأمم المتحدة",
    "مجلس الأمن",
    "الخوذ البيضاء",
    "الأمن العام",
    "إدارة العمليات العسكرية",
    "رجال الكرامة",
    "بشار الأسد",
    "حافظ الأسد",
    "ماهر الأسد",
    "أحمد الشرع",
    "أبو محمد الجولاني",
    "أبو بكر البغدادي",
    "حسن نصر الله",
    "مظلوم عبدي",
    "حكمت الهجري",
    "رامي عبد الرحمن",
    "فضل عبد الغني",
    "أسعد الشيباني",
    "مرهف أبو قصرة",
    "أنس خطاب",
    "سهيل الحسن",
)

AR_GIVEN = frozenset(
    """
محمد أحمد احمد محمود مصطفى علي حسن حسين عمر عثمان خالد خليل إبراهيم ابراهيم إسماعيل اسماعيل يوسف يونس يحيى
عبد عبدالله عبدالرحمن عبدالقادر عبدالكريم عبدالعزيز عبدالحميد عبدالسلام عبدالرزاق عبدالمجيد عبدالهادي عبدالغني
أيمن ايمن أنس انس أمجد امجد أنور انور أكرم اكرم أسامة اسامة أسعد اسعد أديب اديب أدهم ادهم إياد اياد إيهاب ايهاب
باسل بسام بشير بلال جمال جميل جهاد حاتم حازم حامد حمزة حمد حسام حيدر رامي رائد رياض رضوان زياد زيد زهير
سامر سامي سعد سعيد سليم سليمان سلمان سمير شادي صالح صلاح طارق طه عادل عامر عدنان عصام علاء عماد عمار عمرو
غسان فادي فارس فراس فؤاد فيصل قاسم كريم كمال لؤي ماجد مازن مالك ماهر مجد مراد مروان منير مهند موسى نبيل نادر
نزار نضال هاني هشام هيثم وائل وليد وسيم ياسر ياسين يزن زكريا عيسى جورج إلياس الياس حنا يوحنا بطرس
فاطمة عائشة زينب مريم آمنة امنة خديجة سارة هدى هند ليلى سلمى سعاد سماح سناء سوسن رنا رانيا رشا رهف روان رزان
ريم ريما ديما دانا دعاء رغد غادة نادية نور نوال هبة هالة منى ميساء ميس نسرين لينا لمى لبنى وفاء ياسمين يارا
شهد بشرى أسماء اسماء إيمان ايمان أمل امل أماني اماني سهام صفاء جنى جود مرح حنان عبير رحاب ندى نجوى
آزاد ازاد بيريفان دلشاد شيار روجدا كاوا
وسام يامن نوار أنطون صهيب هاشم آدم تهاني أيهم ايهم نبيلة جميلة نورة نديم ندى جواد حمدو حمود تميم قصي عبيدة
معاذ غيث نائل ناجي نضال نواف كنان مجدي أدهم أنيس إيهاب فؤاد
همام جعفر ليث مأمون محسن منذر نزيه نذير قيس ربيع رجب رامز رمزي صابر صادق سميح شكري طلال وجيه عبود عبدو
عبدالناصر عبدالباسط عبدالوهاب عبدالمنعم عبدالإله عبدالجبار عبدالحكيم عبداللطيف عبدالفتاح عبدالحليم حسان
مهدي هادي شريف رشيد منصور ناصر سلطان فهد بكر بدر توفيق تامر تيسير جلال حمدي خضر داود رائف زاهر سالم
سهيل شاكر صفوان ضياء عزت عزام عمران غياث فايز فواز قتيبة لؤي مؤيد معن مصعب مهيب نبيه نجيب هيثم وضاح يعقوب
آية اية بيان دلال غفران هديل حياة إلهام الهام إيناس ايناس إسراء اسراء جمانة خلود لميس لارا ليال لجين
ميساء نهلة نجاح نورا رهف رحمة رنيم راوية رقية سحر سمر سدرة سهير تالا تغريد ثريا وداد زينة سهيلة كندة
عفراء بتول رولا روبا ميرنا سوزان فدوى فريال كوثر لمياء ماجدة منال مها ناهد نهى هيفاء وعد رباب سميرة نجلاء
""".split()
)

#: Words that introduce a personal name in Arabic (honorifics, kinship, "named", ranks, roles).
AR_MARKERS = frozenset(
    """
أبو ابو أم ام الشيخ شيخ السيد السيدة الحاج الحاجة المدعو المدعوة يدعى تدعى اسمه اسمها المواطن المواطنة
الشهيد الشهيدة الطفل الطفلة الشاب الشابة الشابين المعتقل المعتقلة الناشط الناشطة الدكتور الدكتورة المهندس
المهندسة الأستاذ الاستاذ العقيد العميد اللواء الملازم النقيب الرائد المقدم الرقيب المختار الإمام الامام
الأب الاب الأخ الاخ الأخت الاخت ابنه ابنها ابنته ابنتها زوجته زوجها شقيقه شقيقها شقيقته والده والدها
والدته عمه خاله جده بن ابن بنت آل ال-
ابني ابنتي زوجي زوجتي أخي اخي أختي اختي شقيقي شقيقتي والدي والدتي أبي ابي أمي امي عمي خالي جدي جدتي
صديقي صديقه صديقها جاري جاره جارها جارتي صهره صهرها حفيده حفيدها قريبه قريبها ابن عمي ابن عمه
الممرضة الممرض الطبيب الطبيبة المعلم المعلمة الصيدلاني الصيدلانية المتطوع المتطوعة الراعي المزارع
أقارب أقاربه أقاربها ذوو ذوي عائلة أسرة
الطالب الطالبة السائق المسن المسنة الكاهن الأم الام الجندي الصحفي الصحفية المحامي المحامية
""".split()
)

#: Arabic words of news and conflict reporting that are not names (compared without ال and clitics).
AR_VOCAB = frozenset(
    """
في من إلى الى على عن مع بعد قبل خلال منذ حتى بين عند عندما حيث التي الذي الذين اللواتي هذا هذه ذلك تلك هناك هنا
كما أن ان إن إنه انه أنه لا لم لن ما قد كان كانت كانوا يكون تكون ليس وقد وقال وقالت قال قالت يقول تقول أضاف
اضاف أضافت اضافت أكد اكد أكدت اكدت أفاد افاد أفادت افادت ذكر ذكرت أشار اشار أشارت اشارت أعلن اعلن أعلنت اعلنت
وفق وفقا بحسب حسب نقلا نقل مصادر مصدر محلية محلي مصادر ناشطون ناشطين شهود شاهد عيان سكان أهالي اهالي الأهالي
مقتل قتل قتلى قتيل مقتلهم قتلوا لقي لقوا حتفهم حتفه مصرع إصابة اصابة إصابات اصابات جرحى جريح جرح أصيب اصيب
أصيبوا اصيبوا شخص أشخاص اشخاص شخصا مدني مدنيين مدنيون مدنية مدنيا امرأة نساء رجل رجال طفل أطفال اطفال أطفالا
شاب شبان عائلة عائلات أسرة أسر سيدة مسن مسنين عنصر عناصر مقاتل مقاتلين مقاتلون جندي جنود ضابط ضباط قائد قادة
هجوم هجمات غارة غارات جوية جوي قصف قصفت قصفا مدفعي صاروخي صواريخ صاروخ قذيفة قذائف هاون طائرة طائرات مسيرة
مسيرات حربية حربي انفجار انفجرت عبوة ناسفة لغم ألغام الغام سيارة مفخخة رصاص إطلاق اطلاق نار النار قناص قنص
اشتباكات اشتباك معارك معركة مواجهات اقتحام اقتحمت اقتحموا مداهمة مداهمات حملة اعتقال اعتقالات اعتقل اعتقلت
اختطاف اختطف خطف مخطوف مفقود مفقودين إعدام اعدام إعدامات ميداني ميدانية مجزرة مجازر ذبح تعذيب انتهاكات انتهاك
تهجير نزوح نازحين نازحون لاجئين عودة دمار تدمير حرق إحراق احراق نهب سرقة منازل منزل بيوت بيت ممتلكات محل محلات
مدينة مدن بلدة بلدات قرية قرى ريف حي أحياء احياء منطقة مناطق محافظة ناحية شارع طريق الطريق سوق مسجد جامع كنيسة
مدرسة مستشفى مشفى مركز حاجز حواجز سجن مطار قاعدة جسر نهر جبل سهل وادي ساحل الساحل الساحلية شمال جنوب شرق غرب
شمالي جنوبي شرقي غربي شمالية جنوبية شرقية غربية وسط أطراف اطراف محيط قرب بالقرب أرياف
سوريا سورية السوري السورية السوريين سوري العربي العربية عربي الكردية كردي الأكراد الاكراد العلويين علوي علوية
العلوية السنة سني الشيعة شيعي الدروز درزي المسيحيين مسيحي التركمان تركي التركية الروسي الروسية روسي إيراني
ايراني الإيرانية الاسرائيلي الإسرائيلي الإسرائيلية إسرائيلي لبناني العراقي الأمريكي الامريكي أمريكي
قوات القوات الحكومة الحكومية حكومي الحكومي النظام السابق الجديد الجديدة الأمن الامن الأمنية الامنية أمني
العام العامة الداخلية الدفاع وزارة الوزارة وزير الجيش جيش عسكري العسكرية عسكرية فصائل فصيل فصائلها الفصائل
مسلحين مسلحون مسلح مسلحة مجموعة مجموعات مجهولين مجهول مجهولة جهة جهات تنظيم جماعة ميليشيا ميليشيات فلول
المعارضة معارضة الموالية موالية موالين الموالين الثوار ثوار المتمردين عصابة عصابات الأسد الاسد البعث
الدولة الإسلامية الاسلامية إسلامي جهادي الثورة السلطات السلطة المحلية الدولية الدولي الأمم الامم المتحدة
لجنة اللجنة التحقيق تحقيق تقرير التقرير بيان البيان مكتب المكتب حقوق الإنسان الانسان الإنسانية منظمة المنظمة
المرصد الشبكة مراقبون المفوضية المفوض السامي وكالة الوكالة أنباء انباء رويترز الصحافة الفرنسية سانا صحيفة
موقع قناة وسائل الإعلام الاعلام إعلام اعلام مراسل مراسلنا شبكة توثيق وثقت وثق موثق
يوم اليوم أمس امس غدا صباح مساء ليلة ليل فجر ظهر ساعة ساعات يوما أيام ايام أسبوع اسبوع شهر أشهر اشهر سنة
سنوات عام أعوام الماضي الماضية الحالي الحالية الأول الاول الأولى الاولى الثاني الثانية الثالث الأخير الاخير
الأخيرة الاخيرة الجمعة السبت الأحد الاحد الاثنين الثلاثاء الأربعاء الاربعاء الخميس
كانون الثاني شباط آذار اذار نيسان أيار ايار حزيران تموز آب اب أيلول ايلول تشرين الأول يناير فبراير مارس أبريل
ابريل مايو يونيو يوليو أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر
واحد اثنين اثنان اثني اثنا عشر ثلاثة أربعة اربعة خمسة ستة سبعة ثمانية تسعة عشرة عشرات مئات آلاف الاف
ألف الف مئة مائة عدد
أكثر اكثر أقل اقل نحو حوالي قرابة ما لا يقل يقل الأقل الاقل جميع كل بعض عدة معظم غالبية أغلب اغلب نصف
حصيلة الحصيلة ارتفعت ارتفع بلغت بلغ وصل وصلت عدد العدد ضحايا الضحايا ضحية جثث جثة جثامين دفن مقبرة جماعية
وقع وقعت جرى جرت حدث حدثت شهدت شهد تعرض تعرضت تعرضوا استهدف استهدفت استهداف استهدفوا سقط سقطت سقوط تم
نفذ نفذت تنفيذ قام قامت قاموا أقدم اقدم أقدمت عثر عثرت العثور وجد وجدت وجدوا شوهد شوهدت ظهر ظهرت يظهر تظهر
مقطع مقاطع فيديو مصور صور صورة تسجيل تسجيلات نشر نشرت نشرها نشره متداول متداولة تداول
أمام امام داخل خارج فوق تحت حول نحو ضد دون بدون عبر لدى إثر اثر جراء بسبب نتيجة أثناء اثناء بينما بينهم
بينهن منهم منهن منها منه لهم لها له عليهم عليها عليه إليهم اليهم فيها فيه معهم معها عنه عنها بها به بهم
هو هي هم هن نحن أنا انا أنت انت أنتم انتم كلهم جميعهم بعضهم أحد احد إحدى احدى آخر اخر آخرين اخرين أخرى اخرى
لم لن لا نعم ليس غير سوى فقط أيضا ايضا كذلك ثم أو او أم بل لكن لكنه لكنها حين حينما إذا اذا لو كي لكي حيث
مصادر مقربة مطلعة رسمية رسمي رسميا رسميين خاصة خاص تابعة تابع التابعة التابع تابعين المسؤول مسؤول مسؤولين
مسؤولون المسؤولين متحدث المتحدث باسم اسم رئيس الرئيس نائب مدير المدير عضو أعضاء اعضاء قائد
الذين إلي ولم ولا فلم فقد وكان وكانت وأن وان وإن فإن فان ولكن وهو وهي وهم بأن بان لأن لان كأن
الحرب حرب السلام سلام اتفاق اتفاقية وقف إطلاق هدنة تسوية مصالحة انسحاب انسحبت سيطرة سيطرت السيطرة تقدم
هربوا هرب فر فروا فرار خوف الخوف خائفين رعب ذعر صراخ بكاء دماء دم جثتين صرخ صرخت نجا نجوا ناجين ناجون
نريد نطالب يطالب طالب طالبت مطالب العدالة عدالة محاسبة المحاسبة الجناة المسؤولين مرتكبي جريمة جرائم
كنا كانوا كنت يا الله والله الحمد لله رحمه رحمهم إنا لله وإنا إليه راجعون الجار جيران الجيران جارنا
أخي اخي أبي ابي أمي امي زوجي زوجتي ابني ابنتي أولادي اولادي عائلتي أهلي اهلي بيتنا منزلنا قريتنا حينا
رأيت رأينا شاهدت شاهدنا سمعت سمعنا أخذوا اخذوا أخذ اخذ قتلوا اقتادوا اقتاد اقتيد اقتيدوا أطلقوا اطلقوا
دخلوا دخل خرج خرجوا خرجنا بقي بقوا عادوا عاد ذهب ذهبوا جاء جاؤوا وصلوا يريد يريدون أرادوا ارادوا
الجثث الشوارع الحي القرية البلدة المدينة المنطقة الريف المنازل البيوت المسجد الكنيسة المدرسة المستشفى
بانياس جبلة القرداحة اللاذقية طرطوس حمص حماة حلب إدلب ادلب دمشق درعا السويداء القنيطرة الرقة دير الزور
الحسكة القامشلي منبج عفرين الباب جرابلس تدمر دوما داريا الغوطة الشرقية الغربية الحولة الصنوبر المختارية
القصور بيت بري أريحا اريحا سراقب معرة النعمان خان شيخون كفرنبل جسر الشغور تلكلخ القصير يبرود الزبداني
فرق فرقه فرقها منع منعت انتشل انتشلت أنقاض كهرباء تعود يعود دوي طوال ترك شيء خلف مخيم مخيمات عمليات عملية
ترقى سمع اندلعت اندلع نزحت نزح مئات جبال حدود سكني طبي طبية استقبل استقبلت أدى ادى مواقع موقعه صد هاجم هاجموا تحرك
مضايا التل صيدنايا صحنايا جرمانا جديدة عرطوز الكسوة الصنمين نوى طفس بصرى انخل الشيخ مسكين
نازح نازحة نازحون نازحين ناج ناجون ناجين شاهدة شهود ناشط ناشطة ناشطون ناشطين مسعف مسعفون مسعفين طبيب
أطباء اطباء ممرض ممرضة مواطن مواطنة مواطنون مواطنين مدني مدنية مدنيون مدنيين مقاتل مقاتلون مقاتلين عنصر عناصر
امتد امتدت اندلع اندلعت تجدد تجددت تصاعد تصاعدت هدأ انسحب انسحبت تقدم تقدمت سيطر سيطرت استعاد استعادت حاصر
حاصرت اقتحم اقتحمت داهم داهمت انفجر انفجرت سقط سقطت أطلق اطلق أطلقت اطلقت أصاب اصاب أصيب اصيب أصيبت اصيبت
نجا نجت فر فرت هرب هربت عاد عادت وصل وصلت غادر غادرت توفي توفيت استشهد استشهدت فقد فقدت اختفى اختفت خطف خطفت
العنف عنف حظر تجول هدنة وقف إطلاق اطلاق النار نار اتفاق مفاوضات قذيفة قذائف صاروخ صواريخ برميل براميل متفجر
متفجرة لغم ألغام الغام عبوة ناسفة سيارة مفخخة انتحاري كمين هجوم هجمات غارة غارات قصف اشتباك اشتباكات معارك معركة
حصار مجزرة مجازر إعدام اعدام إعدامات اعدامات تصفية اعتقال اعتقالات احتجاز اختطاف خطف تهجير نزوح دمار أضرار اضرار
مدينة مدن بلدة بلدات قرية قرى حي أحياء احياء ريف منطقة مناطق محافظة ساحل الساحل جبل جبال وادي نهر طريق
شارع ساحة سوق مسجد كنيسة مدرسة مدارس مشفى مستشفى مشاف مشافي مخبز فرن جامعة سجن مطار حاجز حواجز مخيم مخيمات
الحكومة حكومة الجيش جيش قوات القوات الأمن الامن العام الشرطة شرطة فصائل فصيل مسلحون مسلحين مجموعة مجموعات
المجلس مجلس منظمة منظمات لجنة هيئة وزارة الوزارة الإسلامي الاسلامي العلوي السني الشيعي الدرزي المسيحي الكردي
عدد عدة بعض كل جميع معظم أغلب اغلب عشرات مئات آلاف الاف ساعات ساعة يوم أيام ايام أسبوع اسبوع شهر أشهر اشهر
الليل ليلا صباحا مساء الصباح المساء الفجر اليوم أمس امس غدا
أفراد افراد فرد خلية خلايا مجهول مجهولون مجهولين مجهولة قائمة قوائم بأسماء أسماء اسماء اسم المبعوث مبعوث الأممي
أممي الدولي دولي دولية مستقل مستقلة تحقيق تحقيقات متطوع متطوعون متطوعين حديقة عامة عام آمنة امنة آمن غير مدير
مديرة المولدات مولدات الوقود وقود نفاد توقفت توقف يتمكن تمكن الوصول وصول لنفاد يتسن التحقق تحقق منها منه
دعا دعت طالب طالبت ناشد أدان ادان أدانت ادانت نفى نفت رفض رفضت وثق وثقت نشر نشرت سجل سجلت رصد رصدت
شاحنة حافلة صغيرة كبيرة قرب بالقرب أمام امام خلف داخل خارج فوق تحت حول نحو باتجاه عبر وسط أطراف اطراف
الأول الاول الثاني الثالث الرابع الخامس واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة عشرون مئة مائة
الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر
أكتوبر نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين
متأثرا متأثرة متأثرين بجروحه بجروحها بجراحه جروح جراح تقارير تقرير واحدة واحد شقيقان شقيقين شقيقتان شقيقتين
أخوان أخوين أختان توأمان زوجان زوجين دور أدوار تقديم تقدم قدم قدمت مستلزمات مستلزم مساعدات المساعدات مساعدة
إغاثة اغاثة إغاثية قافلة قوافل
عبور العبور معبر معابر مجالس المجالس مجلس محتج محتجون محتجين احتجاج احتجاجات مظاهرة مظاهرات متظاهرين متظاهرون
تجمع تجمعوا تجمعت ساحة الساحة رئيسية الرئيسية رئيسي إفراج افراج الإفراج الافراج معتقل معتقلين معتقلون المعتقلين
مياه المياه ماء الماء كهرباء الكهرباء انقطع انقطعت انقطاع بأكملها بأكمله كاملة أقيم اقيم أقيمت أقام
صالة قاعة أفراح زفاف عرس حفل عزاء جنازة تشييع شيع شيعت دفنت دفن المقابر مقابر نفى نفت نفي
حفر حفرت منقذ منقذون المنقذون المنقذين فرق الإنقاذ الانقاذ إنقاذ انقاذ بأيديهم بيدي أيدي ايدي يد يدي
سريع السريع الطريق السريع الدولي مغلق مغلقا مغلقة أغلق اغلق أغلقت اغلقت إغلاق اغلاق مفتوح فتح فتحت
براد البراد ثلاجة يعد يعود يتسع اتسع المزيد لمزيد مزيد مزارع مزارعين مزارعون يعمل يعملون تعمل عمل عمال حقل حقول
استمر استمرت يستمر متواصل متواصلة تواصل تواصلت مستمر مستمرة
جرحى الجرحى مصاب مصابين مصابون المصابين إسعاف اسعاف الإسعاف سيارات ممرضون كوادر كادر الطاقم طاقم
تعليم التعليم مدرسة المدارس مدارس طلاب الطلاب تلاميذ جامعة الجامعة
خبز الخبز طحين غذاء الغذاء الغذائية غذائية طعام دواء الدواء أدوية ادوية وقود الوقود مازوت بنزين غاز
نقص حاد حادة شديد شديدة كبير كبيرة صغير قليل كثير كثيرة واسع واسعة واسعا عنيف عنيفة عنيفا عنيفه
يعاني تعاني يعانون عانى معاناة أزمة ازمة كارثة الكارثة إنسانية انسانية الإنساني الانساني
مشكلة حالة حالات الحالة وضع الوضع أوضاع اوضاع ظروف الظروف صعبة صعب
خطير خطيرة خطر الخطر مخاطر آمن أمان الأمان مستقر استقرار هدوء الهدوء حذر حذرة توتر التوتر متوتر
قلق القلق قلقها قلقه عبر عبرت أعرب اعرب أعربت اعربت أصدر اصدر أصدرت اصدرت إصدار
حقوقية حقوقي منظمات المنظمات الحقوقية مستقل فتح بفتح طالبت مطالبة للمطالبة المطالبة
مبنى المبنى مباني المباني محافظة المحافظة المحافظ محافظ مقر المقر مقرات دائرة مديرية
مداخل مدخل المداخل مخرج منافذ جهة الجهات صباح اليوم إشعار اشعار آخر اخر حتى
شنت شن يشن هجوما هجوم مواقع الموقع موقع المواقع الشمالي الجنوبي الشرقي الغربي
عددا عدد من والمحال المحال التجارية تجارية تجاري محل محال دكان متجر
بيان بيانا بيانات تصريح تصريحات تصاعد تصعيد ارتفاع انخفاض
وصل وصول أكثر عشرين ثلاثين أربعين خمسين ستين سبعين ثمانين تسعين مجهولة الهوية هوية
ملثم ملثمين ملثمون يرتدون يرتدي ثياب ثيابا ملابس سوداء أسود اسود بيضاء عسكرية لباس زي
طفل طفلا طفلة وأصيب وأصيبت اثنان اثنين آخرون اخرون آخرين اخرين مخلفات الحرب
التيار الكهربائي كهربائي أحياء معظم انقطاع دام دامت يومين يومان شهرين ساعتين
نعرف نعلم يعرف يعرفون عرف هم هي كانوا كن
سكان السكان ساكن الأهالي أحد أهالي الرصاص يسمع تسمع سمع الجهات كل جميع
حدودية الحدودية حدود الحدود المخيم المخيمات مخيم نازحة النازحين
تحقيق مستقل الانتهاكات العنف الساحل الساحلي ريف بريف
المسلحين المسلحون مسلحو مسلحي مسلحة عناصر عنصرا عنصر خلايا لخلايا التنظيم تنظيم
الشبكة السورية لحقوق الإنسان الدفاع المدني المرصد
إن أن لأن بأن كي لكي عن عند لدى منذ مذ ريثما كلما بينما أما إما إلا الا لولا
هل كيف لماذا متى أين اين ماذا كم أيضا فقط جدا كثيرا قليلا تماما مجددا مجدداً حاليا لاحقا سابقا مؤخرا
يوجد توجد وجود هناك ليست لسنا لست ليسوا أصبح اصبح أصبحت اصبحت صار صارت بات باتت ظل ظلت مازال ما زال لازال
يمكن يستطيع نستطيع تستطيع استطاع استطاعت يجب ينبغي لابد
أحرق احرق أحرقوا احرقوا أحرقت احرقت حرقوا دمروا دمر نهبوا سرقوا
أخرجوا أخرج اخرج أنزل انزل أنزلوا اعتدى اعتدوا ضرب ضربوا أهان أجبر أجبروا اجبروا هدد هددوا
""".split()
)
