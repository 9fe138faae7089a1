package org.mailhook.json;

import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** Plain text of an HTML body, with line breaks where blocks end, for mails that only have HTML. */
final class HtmlText {
    private static final Set<String> BLOCKS = Set.of("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "table", "ul", "ol", "hr", "dd", "dt", "section", "article", "header", "footer");
    private static final Set<String> SKIPPED = Set.of("script", "style", "head", "title");

    private HtmlText() {
    }

    static String of(String html) {
        StringBuilder text = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            private int skipping;

            @Override
            public void head(Node node, int depth) {
                if (node instanceof Element element && SKIPPED.contains(element.normalName())) {
                    skipping++;
                } else if (skipping == 0 && node instanceof TextNode textNode) {
                    String value = textNode.text();
                    if (!value.isBlank() || (text.length() > 0 && text.charAt(text.length() - 1) != '\n')) {
                        text.append(value);
                    }
                } else if (skipping == 0 && node instanceof Element element && element.normalName().equals("br")) {
                    text.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element element) {
                    if (SKIPPED.contains(element.normalName())) {
                        skipping--;
                    } else if (skipping == 0 && BLOCKS.contains(element.normalName()) && !element.normalName().equals("br")
                        && text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                        text.append('\n');
                    }
                }
            }
        }, Jsoup.parse(html));
        return text.toString().replaceAll("[ \\t\\u00A0]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }
}
