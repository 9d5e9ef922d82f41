from directory.markdown import render_markdown


def test_it_renders_headings_lists_tables_and_emphasis():
    html = render_markdown(
        "## Heures\n\n- lundi\n- mardi\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n**gras** *it*"
    )
    assert "<h2>Heures</h2>" in html
    assert "<li>lundi</li>" in html
    assert "<td>1</td>" in html
    assert "<strong>gras</strong>" in html
    assert "<em>it</em>" in html


def test_it_removes_script_and_its_content():
    html = render_markdown("Avant\n\n<script>alert('x')</script>\n\nAprès")
    assert "<script" not in html
    assert "alert" not in html
    assert "Après" in html


def test_it_removes_event_handlers_and_images():
    html = render_markdown('<img src="x" onerror="alert(1)"> <b onclick="alert(2)">gras</b>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html


def test_it_keeps_safe_links_only():
    html = render_markdown(
        "[site](https://example.com) [courriel](mailto:a@example.com) "
        "[tél](tel:+15145550100) [mal](javascript:alert(1)) [data](data:text/html,x)"
    )
    assert 'href="https://example.com"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'href="tel:+15145550100"' in html
    assert "javascript" not in html
    assert "data:" not in html


def test_it_drops_style_and_iframes():
    html = render_markdown('<p style="color:red">x</p><iframe src="https://evil.example"></iframe>')
    assert "style" not in html
    assert "iframe" not in html


def test_result_is_safe_for_templates_and_empty_text_is_empty():
    assert hasattr(render_markdown("x"), "__html__")
    assert render_markdown("") == ""
