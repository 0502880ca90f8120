package dev.triage.cli.batch;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.triage.core.config.MongoSettings;
import org.bson.Document;

import java.util.concurrent.TimeUnit;

/** Connects the batch tools ({@code batch}, {@code load}, {@code reprocess}) to MongoDB, failing at once with a clear message when it is not there. */
public final class Mongo {

    private Mongo() {
    }

    /** A connected client; throws {@link UnreachableException} if MongoDB does not answer within 5 s. */
    public static MongoClient connect(MongoSettings settings) {
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(settings.uri()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .build());
        try {
            client.getDatabase(settings.database()).runCommand(new Document("ping", 1));
            return client;
        } catch (MongoException e) {
            client.close();
            throw new UnreachableException("cannot reach MongoDB at " + MongoSettings.mask(settings.uri())
                    + " (check MONGODB_URI or --mongodb-uri): " + e.getMessage());
        }
    }

    /** MongoDB did not answer. */
    public static final class UnreachableException extends RuntimeException {
        UnreachableException(String message) {
            super(message);
        }
    }
}
