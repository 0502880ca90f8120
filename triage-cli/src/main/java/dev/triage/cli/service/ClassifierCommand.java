package dev.triage.cli.service;

import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.core.config.Env;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code triage classifier}: the classifier stream against an external Kafka. */
@Command(name = "classifier", mixinStandardHelpOptions = true,
        description = "Run the classifier stream; config from env and .env.")
public final class ClassifierCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        ClassifierConfig config = ClassifierConfig.fromEnv(Env.load());
        ClassifierService service = ClassifierService.start(config);
        return ServiceRunner.runUntilStopped(service, service::problem);
    }
}
