package dev.triage.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric selectors in the PromQL of a Grafana dashboard's panels: each {@code name{matchers}}
 * with its label matchers, found after dropping what is not a selector (range brackets, the label
 * lists of {@code by}/{@code without}, function calls, keywords and numbers). The names are the
 * sample names as scraped, so a histogram's {@code _bucket}, {@code _count} and {@code _sum} are
 * matched as they appear on a {@code /metrics} page.
 */
record PanelQueries(List<Panel> panels) {

    static final Path DASHBOARD = Path.of("..", "deploy", "monitoring", "grafana", "dashboards", "triage.json");

    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][\\w:]*+)\\s*+(\\{[^}]*})?+(?!\\s*\\()");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without");

    /** A panel's title and the selectors of all its queries. */
    record Panel(String title, List<String> expressions, List<Selector> selectors) {
    }

    /** One metric selector: the sample name and its matchers, label to (operator, value). */
    record Selector(String metric, Map<String, LabelMatch> matchers) {

        /** The jobs it names ({@code job="a"} or {@code job=~"a|b"}); empty when it names none. */
        List<String> jobs() {
            LabelMatch job = matchers.get("job");
            if (job == null) {
                return List.of();
            }
            return job.op().equals("=~") ? List.of(job.value().split("\\|")) : List.of(job.value());
        }
    }

    /** A label matcher: {@code =}, {@code !=}, {@code =~} or {@code !~} and its value. */
    record LabelMatch(String op, String value) {
    }

    static PanelQueries read(Path dashboard) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        List<Panel> panels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            List<String> expressions = new ArrayList<>();
            List<Selector> selectors = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                expressions.add(expr);
                selectors.addAll(selectors(expr));
            }
            panels.add(new Panel(panel.path("title").asText(), expressions, selectors));
        }
        return new PanelQueries(panels);
    }

    static List<Selector> selectors(String expr) {
        String bare = GROUPING.matcher(RANGE.matcher(expr).replaceAll("")).replaceAll("");
        List<Selector> found = new ArrayList<>();
        Matcher m = SELECTOR.matcher(bare);
        while (m.find()) {
            if (KEYWORDS.contains(m.group(1))) {
                continue;
            }
            Map<String, LabelMatch> matchers = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher label = MATCHER.matcher(m.group(2));
                while (label.find()) {
                    matchers.put(label.group(1), new LabelMatch(label.group(2), label.group(3)));
                }
            }
            found.add(new Selector(m.group(1), matchers));
        }
        return found;
    }
}
