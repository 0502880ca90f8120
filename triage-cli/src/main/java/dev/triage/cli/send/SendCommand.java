package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.JsonEntries;
import dev.triage.cli.Progress;
import dev.triage.cli.TriageCli;
import dev.triage.core.config.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;

/**
 * {@code triage send FILE}: the original API client. Posts every conversation of the file to a
 * running gateway's {@code POST /classify}, writes the 200 answers as one JSON array to the out
 * directory and prints a summary. The file is read and checked completely, and the gateway's
 * {@code GET /health} asked once, before anything is sent. Exit code 0 when every conversation was
 * classified, 1 when some failed, 2 when the file, an option or the gateway cannot be used
 * (nothing sent). This class only wires the parts together.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send the conversations of a JSON array or JSON lines file to POST /classify and save the results.")
public final class SendCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "Conversations as {\"conversation_number\": \"123\", \"messages\": "
            + "[{\"sender\": \"customer\", \"text\": \"...\"}]}: a JSON array, or one object per line.")
    Path file;

    @Option(names = "--url", defaultValue = "http://localhost:8000", description = "The gateway (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--concurrency", defaultValue = "8", description = "Conversations in progress at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--out-dir", defaultValue = "data", description = "Where the results file is written (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--api-key", description = "Sent as 'Authorization: Bearer KEY' (default: env TRIAGE_API_KEY; none if unset).")
    String apiKey;

    @Option(names = "--timeout", defaultValue = "60s", description = "Longest wait for one answer: 500ms, 30s, 2m (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--retries", defaultValue = "10",
            description = "Tries again after 429/503, waiting what Retry-After asks (default ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--json", description = "Print the summary as one JSON object, without the progress bar.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SendConfig config = SendConfig.of(url, concurrency, outDir,
                apiKey != null ? apiKey : Env.load().string("TRIAGE_API_KEY", null), timeout);
        ConversationFile.Contents contents;
        try {
            contents = ConversationFile.read(file);
        } catch (JsonEntries.UnreadableFileException e) {
            System.err.println("triage: " + e.getMessage() + "; nothing sent");
            return TriageCli.EXIT_CONFIG;
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout()).build();
        Optional<String> unusable = ClassifyClient.unusable(http, config);
        if (unusable.isPresent()) {
            System.err.println("triage: " + unusable.get() + "; nothing sent");
            return TriageCli.EXIT_CONFIG;
        }
        List<Outcome> outcomes = send(http, config, contents.entries());
        List<JsonNode> classified = outcomes.stream().filter(Outcome::isOk).map(Outcome::result).toList();
        Path output = ResultsFile.write(config.outDir(), Clock.systemUTC().instant(), classified);
        Summary summary = Summary.of(contents.entries(), outcomes, contents.duplicatesSkipped(), output);
        System.out.print(json ? summary.toJson() + System.lineSeparator() : summary.toText());
        return summary.failed() == 0 ? 0 : TriageCli.EXIT_FAILURE;
    }

    private List<Outcome> send(HttpClient http, SendConfig config, List<ConversationFile.Entry> entries)
            throws InterruptedException {
        ScheduledExecutorService retryWaits = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "send-retry");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ClassifyClient client = new ClassifyClient(http, config,
                    new RetryAfterPolicy(RetryAfterPolicy.Settings.defaults().withRetries(retries), retryWaits));
            LongConsumer progress = json ? done -> { } : new Progress(entries.size())::update;
            return new Sender(client::send, config.concurrency(), progress)
                    .sendAll(entries.stream().map(ConversationFile.Entry::body).toList());
        } finally {
            retryWaits.shutdownNow();
        }
    }
}
