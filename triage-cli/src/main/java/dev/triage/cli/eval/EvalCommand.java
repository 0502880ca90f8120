package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.classifier.learned.LabelledFile;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.classifier.llm.TaxonomyFile;
import dev.triage.cli.Progress;
import dev.triage.cli.TriageCli;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.core.taxonomy.Taxonomy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code triage eval FILE}: measures the configured classifier (or a running gateway) on labelled
 * conversations: accuracy, macro-F1, per-label precision and recall, confusion, cost per
 * conversation, and with {@code --curve} the accuracy against LLM calls across cascade thresholds.
 * Exit 0; 1 when a conversation failed or an accuracy is below {@code --min-accuracy}; 2 when the
 * file, a setting or the gateway cannot be used. This class only reads options and wires the parts.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure the configured classifier's answers on labelled conversations (JSON lines, JSON array or CSV).")
public final class EvalCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "Labelled conversations: {\"conversation_number\", \"messages\": [...], "
            + "\"expected\": {\"intent\", \"topic\", \"sentiment\"}} per line or in an array, or a .csv file.")
    Path file;

    @Option(names = "--text-column", defaultValue = "text", description = "CSV: the column with the customer's text (default ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "KIND=COLUMN",
            description = "CSV: the column of a label kind, e.g. intent=category (repeatable; default: columns named intent, topic, sentiment).")
    List<String> labelColumns = new ArrayList<>();

    @Option(names = "--url", description = "Evaluate a running gateway (POST /classify) instead of the classifier in this process.")
    URI url;

    @Option(names = "--provider", description = "ollama, openai, offline or auto (env LLM_PROVIDER).")
    String provider;

    @Option(names = "--llm-url", description = "The model server (env LLM_API_URL).")
    String llmUrl;

    @Option(names = "--model", description = "The model (env LLM_MODEL).")
    String model;

    @Option(names = "--concurrency", defaultValue = "8", description = "Conversations in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds one conversation may take before it counts as failed (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--curve", description = "Also run the learned classifier and the LLM alone on every conversation and print "
            + "accuracy and LLM calls per cascade threshold (on by itself when CASCADE_THRESHOLD is set; needs a model server).")
    boolean curve;

    @Option(names = "--confusion", description = "Print every confusion matrix whole, however many labels (default: up to "
            + TextReport.MATRIX_MAX_LABELS + " labels, else the most frequent confusions).")
    boolean confusion;

    @Option(names = "--errors", defaultValue = "10", description = "Disagreements to show (default ${DEFAULT-VALUE}).")
    int errors;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = "--min-accuracy", description = "Exit 1 when any kind's accuracy is below this (0 to 1).")
    Double minAccuracy;

    @Override
    public Integer call() throws Exception {
        validate();
        Env env = Env.load().with(flags());
        LlmSettings settings = LlmSettings.fromEnv(env);
        Taxonomy taxonomy = settings.taxonomyFile() == null ? Taxonomy.defaults() : TaxonomyFile.read(settings.taxonomyFile());
        List<LabelledConversation> conversations = LabelledFile.read(file,
                LabelledFile.CsvColumns.parse(textColumn, labelColumns), taxonomy);
        Passes passes = new Passes(concurrency, Duration.ofSeconds(timeoutSeconds));
        boolean wantCurve = curve || settings.learned().cascadeThreshold() != null;
        Evaluation evaluation = url != null ? viaGateway(conversations, passes)
                : new InProcessRun(settings, taxonomy, passes, concurrency).run(file.toString(), conversations, wantCurve);
        System.out.print(json ? JsonReport.render(evaluation, errors) + System.lineSeparator()
                : TextReport.render(evaluation, errors, confusion));
        return verdict(evaluation);
    }

    private void validate() {
        if (errors < 0) {
            throw new ConfigException("--errors must be >= 0, was " + errors);
        }
        if (timeoutSeconds < 1) {
            throw new ConfigException("--timeout must be >= 1 second, was " + timeoutSeconds);
        }
        if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 1)) {
            throw new ConfigException("--min-accuracy must be between 0 and 1, was " + minAccuracy);
        }
        if (url != null && (curve || provider != null || llmUrl != null || model != null)) {
            throw new ConfigException("--url evaluates a gateway as it is configured; --curve, --provider, --llm-url and "
                    + "--model are for the classifier in this process");
        }
    }

    private Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        putIfSet(flags, "LLM_PROVIDER", provider);
        putIfSet(flags, "LLM_API_URL", llmUrl);
        putIfSet(flags, "LLM_MODEL", model);
        return flags;
    }

    private static void putIfSet(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }

    private Evaluation viaGateway(List<LabelledConversation> conversations, Passes passes) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        GatewayAnswers gateway = new GatewayAnswers(http, url, timeout);
        String unusable = gateway.unusable().orElse(null);
        if (unusable != null) {
            throw new ConfigException(unusable + "; nothing sent");
        }
        System.err.println("classifying with the gateway at " + url + ": " + conversations.size() + " conversations");
        List<Outcome> outcomes = passes.run(conversations, gateway::answer, new Progress(conversations.size())::update);
        return new Evaluation(file.toString(), "the gateway at " + url, outcomes, Scores.of(outcomes), Costs.of(outcomes),
                null, null);
    }

    /** 1 when a conversation failed or a kind is below --min-accuracy, said on stderr; else 0. */
    private int verdict(Evaluation evaluation) {
        int exit = 0;
        if (!evaluation.failures().isEmpty()) {
            System.err.println("triage: " + evaluation.failures().size() + " of " + evaluation.outcomes().size()
                    + " conversations failed");
            exit = TriageCli.EXIT_FAILURE;
        }
        if (minAccuracy != null) {
            for (KindScore k : evaluation.scores().kinds()) {
                if (k.accuracy() < minAccuracy) {
                    System.err.printf(java.util.Locale.ROOT, "triage: %s accuracy %.3f is below --min-accuracy %s%n",
                            k.kind(), k.accuracy(), minAccuracy);
                    exit = TriageCli.EXIT_FAILURE;
                }
            }
        }
        return exit;
    }
}
