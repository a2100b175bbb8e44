import re

import pytest

from layers.curated import load_all_curated
from layers.export.story import list_stories, load_story, story_to_pdf


@pytest.fixture(scope="module")
def curated(curated_gazetteer):
    return load_all_curated(curated_gazetteer)


def test_the_two_stories_exist():
    assert {"march_2025_m1_m4", "rg_path_2011_2012"} <= set(list_stories())


@pytest.mark.parametrize("name", list_stories())
def test_story_ids_exist_in_curated_data(name, curated):
    story = load_story(name)
    ids = set(curated["id"])
    assert story.steps
    assert all(step.caption for step in story.steps)
    missing = [i for i in story.incident_ids if i not in ids]
    assert not missing, f"{name}: unknown ids {missing}"
    assert set(story.datasets) <= set(curated["dataset"])
    for step in story.steps:
        w, s, e, n = step.view.to_bbox()
        assert 34 < w < e < 43
        assert 32 < s < n < 38
        assert (
            "as reported" in step.caption.lower()
            or "reports" in step.caption.lower()
            or "reported" in step.caption.lower()
        )


def test_story_pdf_has_one_page_per_step(tmp_path, curated):
    story = load_story("rg_path_2011_2012")
    out = story_to_pdf(story, curated, tmp_path / "s.pdf", preset="slide_16_9")
    data = out.path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == len(story.steps)


def test_bad_story_names_the_step(tmp_path):
    from geo.errors import DataSchemaError

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: x\nsteps:\n  - caption: ok\n    start: '2025-03-02'\n    end: '2025-03-01'\n"
        "    view: {bbox: [35, 33, 36, 34]}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataSchemaError, match="step 1"):
        load_story(bad)


def test_story_html_steps_carry_caption_window_and_view(tmp_path, curated):
    """Story mode as one offline HTML file: each step has its window, caption and view."""
    from layers.standalone import story_steps, story_to_html

    story = load_story("march_2025_m1_m4")
    steps = story_steps(story)
    assert len(steps) == len(story.steps)
    for step, raw in zip(steps, story.steps, strict=True):
        assert step[0] <= step[1]
        assert raw.caption in step[2]
        assert -90 <= step[3] <= 90
        assert isinstance(step[5], int)
    out = story_to_html(story, curated, tmp_path / "story.html").path
    page = out.read_text(encoding="utf-8")
    assert '<script src="http' not in page
    assert story.title.split(":")[0] in page
