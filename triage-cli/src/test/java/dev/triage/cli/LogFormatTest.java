package dev.triage.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped logback.xml: LOG_FORMAT picks text or one JSON object per line, both with the correlation id. */
class LogFormatTest {

    private final PrintStream stderr = System.err;

    @AfterEach
    void restore() {
        System.setErr(stderr);
        MDC.clear();
    }

    @Test
    void jsonLinesCarryTheFormattedMessageAndTheCorrelationId() throws Exception {
        String line = logOneLine("JSON");

        JsonNode json = Json.tree(line.getBytes(StandardCharsets.UTF_8));
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("loggerName").asText()).isEqualTo("dev.triage.test");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("conversation 42 not classified");
        assertThat(json.get("mdc").get("correlation_id").asText()).isEqualTo("req-1");
    }

    @Test
    void textLinesShowTheCorrelationIdWhenThereIsOne() throws Exception {
        assertThat(logOneLine("TEXT")).contains("WARN", "[req-1] conversation 42 not classified");
    }

    private String logOneLine(String format) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("LOG_FORMAT", format);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/logback.xml"));
        MDC.put("correlation_id", "req-1");
        context.getLogger("dev.triage.test").warn("conversation {} not classified", 42);
        context.stop();
        return captured.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
    }
}
