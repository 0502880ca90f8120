package dev.triage.cli.service;

import dev.triage.core.config.Env;
import dev.triage.sink.SinkConfig;
import dev.triage.sink.SinkService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code triage sink}: writes results to an external MongoDB. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = "Run the MongoDB sink; config from env and .env.")
public final class SinkCommand implements Callable<Integer> {

    @Option(names = "--batch-size", description = "Results per MongoDB bulk write (env BATCH_SIZE, default 100).")
    Integer batchSize;

    @Override
    public Integer call() throws Exception {
        Env env = Env.load();
        if (batchSize != null) {
            env = env.with(Map.of("BATCH_SIZE", batchSize.toString()));
        }
        SinkService sink = SinkService.start(SinkConfig.fromEnv(env));
        return ServiceRunner.runUntilStopped(sink, sink::problem);
    }
}
