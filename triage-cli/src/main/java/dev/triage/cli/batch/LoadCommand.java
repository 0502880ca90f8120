package dev.triage.cli.batch;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.triage.core.json.JsonEntries;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code triage load FILE}: imports queries into {@code queries} with {@code processed: false}.
 * The file is read and checked completely before anything is written; MongoDB is checked to be
 * reachable before anything is written. Exit code 0 when every entry was imported, 1 when some
 * were rejected (the rest are imported), 2 when the file or MongoDB cannot be used (nothing written).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Import queries from a JSON array, JSON lines or CSV (text column) file into MongoDB.")
public final class LoadCommand implements Callable<Integer> {

    private static final int CHUNK = 1000;

    @Parameters(paramLabel = "FILE", description = "The file to import.")
    Path file;

    @Mixin
    MongoOptions mongoOptions = new MongoOptions();

    @Override
    public Integer call() throws Exception {
        MongoSettings settings = MongoSettings.fromEnv(Env.load().with(mongoOptions.asEnv()));
        QueryFile.Contents contents;
        try {
            contents = QueryFile.read(file);
        } catch (JsonEntries.UnreadableFileException e) {
            System.err.println("triage: " + e.getMessage() + "; nothing imported");
            return 2;
        }
        List<String> rejected = new ArrayList<>(contents.rejected());
        int imported;
        try (MongoClient client = Mongo.connect(settings)) {
            imported = insert(client.getDatabase(settings.database()).getCollection(settings.queriesCollection()),
                    contents.queries(), rejected);
        } catch (Mongo.UnreachableException e) {
            System.err.println("triage: " + e.getMessage() + "; nothing imported");
            return 2;
        }
        System.out.printf("imported %d queries into %s.%s; rejected %d%n", imported, settings.database(),
                settings.queriesCollection(), rejected.size());
        rejected.forEach(r -> System.out.println("  " + r));
        return rejected.isEmpty() ? 0 : 1;
    }

    private static int insert(MongoCollection<Document> queries, List<QueryFile.Entry> entries, List<String> rejected) {
        int imported = 0;
        for (int start = 0; start < entries.size(); start += CHUNK) {
            List<QueryFile.Entry> chunk = entries.subList(start, Math.min(entries.size(), start + CHUNK));
            try {
                queries.insertMany(chunk.stream().map(QueryFile.Entry::query).toList(), new InsertManyOptions().ordered(false));
                imported += chunk.size();
            } catch (MongoBulkWriteException e) {
                imported += chunk.size() - e.getWriteErrors().size();
                for (BulkWriteError error : e.getWriteErrors()) {
                    rejected.add(chunk.get(error.getIndex()).where() + ": not inserted: "
                            + (error.getCode() == 11000 ? "an entry with this _id already exists" : error.getMessage()));
                }
            }
        }
        return imported;
    }
}
