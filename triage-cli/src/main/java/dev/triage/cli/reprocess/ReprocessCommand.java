package dev.triage.cli.reprocess;

import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.client.MongoClient;
import dev.triage.cli.batch.Mongo;
import dev.triage.cli.batch.MongoOptions;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import org.bson.BsonDocument;
import org.bson.BsonInvalidOperationException;
import org.bson.conversions.Bson;
import org.bson.json.JsonParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code triage reprocess}: resets queries so that the pipeline classifies them again (see
 * {@link QueryReset} for the contract with the relay). Prints {@code {"matched": n, "reset": n}}.
 * Exit code 0 done, 1 MongoDB unreachable, 2 bad usage (an invalid date or filter, or a filter
 * MongoDB rejects).
 */
@Command(name = "reprocess", mixinStandardHelpOptions = true,
        description = {"Reset queries so that they are classified again: sets processed: false and requeued_at, "
                + "unsets status and last_error; the relay then publishes them again.",
                "Prints {\"matched\": n, \"reset\": n}. Exit code 0 done, 1 MongoDB unreachable, 2 bad usage."})
public final class ReprocessCommand implements Callable<Integer> {

    private static final int EXIT_UNREACHABLE = 1;
    private static final int EXIT_USAGE = 2;

    @Mixin
    MongoOptions mongoOptions = new MongoOptions();

    @Option(names = "--status", defaultValue = "failed", converter = StatusConverter.class,
            description = "failed (status: failed, dead-lettered), classified (processed: true) or all (default ${DEFAULT-VALUE}).")
    Selection.Status status;

    @Option(names = "--since", converter = InstantConverter.class,
            description = "Only queries the sink marked at or after this ISO-8601 instant (updated_at), e.g. 2026-11-27T00:00:00Z.")
    Instant since;

    @Option(names = "--filter", converter = FilterConverter.class,
            description = "An extra MongoDB filter in Extended JSON, ANDed in, e.g. '{\"metadata.channel\": \"email\"}'.")
    Bson filter;

    @Option(names = "--dry-run", description = "Print how many would be reset and a few ids; change nothing.")
    boolean dryRun;

    /** MongoDB's codes for a query it cannot read: a bad --filter. */
    private static final int BAD_VALUE = 2;
    private static final int FAILED_TO_PARSE = 9;

    @Override
    public Integer call() {
        MongoSettings mongo = MongoSettings.fromEnv(Env.load().with(mongoOptions.asEnv()));
        Selection selection = new Selection(status, since, filter);
        try (MongoClient client = Mongo.connect(mongo)) {
            QueryReset reset = new QueryReset(client.getDatabase(mongo.database()).getCollection(mongo.queriesCollection()),
                    Clock.systemUTC());
            System.out.println((dryRun ? reset.preview(selection) : reset.reset(selection)).toJson());
            return 0;
        } catch (MongoServerException e) {
            boolean badFilter = e.getCode() == BAD_VALUE || e.getCode() == FAILED_TO_PARSE;
            System.err.println("triage: MongoDB refused to reset the queries matching "
                    + selection.filter().toBsonDocument().toJson() + (badFilter ? " (is --filter a valid query?)" : "")
                    + ": " + e.getMessage());
            return badFilter ? EXIT_USAGE : EXIT_UNREACHABLE;
        } catch (Mongo.UnreachableException e) {
            System.err.println("triage: " + e.getMessage());
            return EXIT_UNREACHABLE;
        } catch (MongoException e) {
            System.err.println("triage: cannot reach MongoDB at " + MongoSettings.mask(mongo.uri())
                    + " (check MONGODB_URI or --mongodb-uri): " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
    }

    /** {@code failed}, {@code classified} or {@code all}. */
    static final class StatusConverter implements ITypeConverter<Selection.Status> {
        @Override
        public Selection.Status convert(String value) {
            try {
                return Selection.Status.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("must be failed, classified or all, was '" + value + "'");
            }
        }
    }

    /** An ISO-8601 instant, with a message that shows one. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("must be an ISO-8601 instant such as 2026-11-27T00:00:00Z, was '"
                        + value + "'");
            }
        }
    }

    /** A MongoDB filter: one JSON object in Extended JSON (typed {@link Bson}: picocli would take a {@code Map} for KEY=VALUE pairs). */
    static final class FilterConverter implements ITypeConverter<Bson> {
        @Override
        public Bson convert(String value) {
            try {
                return BsonDocument.parse(value);
            } catch (JsonParseException | BsonInvalidOperationException e) {
                throw new TypeConversionException("must be one JSON object (MongoDB Extended JSON), was '" + value
                        + "': " + e.getMessage());
            }
        }
    }
}
