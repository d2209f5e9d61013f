package io.pilotd.director.cli;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.endpoint.ApiKeySecret;
import io.pilotd.director.endpoint.Endpoint;
import io.pilotd.director.endpoint.TokenCheck;
import io.pilotd.director.store.EndpointAudit;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.driver.api.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "endpoint", description = {
    "The serverless computing endpoint's API keys, bearer tokens, audit and API document.",
    "The endpoint itself is served by pilotd run when the config sets endpoint.port."},
        subcommands = {EndpointCommand.Key.class, EndpointCommand.Token.class, EndpointCommand.Audit.class,
            EndpointCommand.OpenApi.class})
final class EndpointCommand {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @Command(name = "key", description = "API keys: each scoped to a VO and to queues, with an expiry and a rate.",
            subcommands = {Add.class, ListKeys.class, Revoke.class})
    static final class Key {
    }

    @Command(name = "add", description = {"Create an API key and print it, once: pilotd keeps its hash only.",
        "Its requests may use the queues named, with proxies of the VO named."})
    static final class Add extends PilotdSubcommand {
        @Parameters(paramLabel = "NAME", description = "The key's name: who holds it (1-64 letters, digits, '.', '_', '-').")
        String name;

        @Option(names = "--vo", required = true, description = "The VO its requests' proxies must carry.")
        String vo;

        @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "A queue its requests may use (repeat).")
        List<String> queues = new ArrayList<>();

        @Option(names = "--expires-in", defaultValue = "365d", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "How long it is valid (default: ${DEFAULT-VALUE}).")
        Duration expiresIn;

        @Option(names = "--rate", defaultValue = "60", paramLabel = "N",
                description = "Requests a minute it may make; a burst of N, then N a minute (default: ${DEFAULT-VALUE}).")
        int rate;

        @Override
        protected boolean inspectsOnly() {
            return true;
        }

        @Override
        protected int execute(Session session) {
            if (!NAME.matcher(name).matches()) {
                throw new ParameterException(spec.commandLine(), "'" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
            }
            if (rate < 1) {
                throw new ParameterException(spec.commandLine(), "--rate must be at least 1, not " + rate);
            }
            if (expiresIn.compareTo(Duration.ofHours(1)) < 0) {
                throw new ParameterException(spec.commandLine(), "--expires-in must be at least 1h, not "
                        + Durations.format(expiresIn));
            }
            for (String queue : queues) {
                QueueConfig config = session.config().queue(queue);
                String queueVo = config.matching().vo();
                if (queueVo != null && !queueVo.equals(vo)) {
                    throw new ParameterException(spec.commandLine(), "the queue " + queue + " takes VO " + queueVo
                            + ": a key of VO " + vo + " could never use it");
                }
            }
            EndpointKeys keys = new EndpointKeys(session.database().jdbi());
            if (keys.byName(name).isPresent()) {
                throw new ParameterException(spec.commandLine(), "a key named " + name + " exists: revoke it"
                        + " (pilotd endpoint key revoke " + name + ") and add one of another name");
            }
            String secret = ApiKeySecret.generate();
            EndpointKeys.Key key = keys.add(name, ApiKeySecret.hash(secret), ApiKeySecret.prefix(secret), vo,
                    List.copyOf(new LinkedHashSet<>(queues)), rate, Instant.now().plus(expiresIn));
            err().printf("API key %s: VO %s, queue(s) %s, %d request(s) a minute, valid until %s. It is shown this once:"
                    + " pilotd keeps its hash only.%n", key.name(), key.vo(), String.join(", ", key.queues()),
                    key.ratePerMinute(), key.expiresAt());
            out().println(secret);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List the API keys (never their secrets) and when each was last used.")
    static final class ListKeys extends InspectionCommand {
        @Override
        protected int execute(Session session) {
            Instant now = Instant.now();
            Rows rows = new Rows("name", "prefix", "vo", "queues", "ratePerMinute", "expiresAt", "state", "lastUsed");
            for (EndpointKeys.Key key : new EndpointKeys(session.database().jdbi()).list()) {
                String state = key.revokedAt() != null ? "revoked " + key.revokedAt()
                        : key.unusable(now).isPresent() ? "expired" : "live";
                rows.add(key.name(), key.prefix(), key.vo(), String.join(",", key.queues()), key.ratePerMinute(),
                        key.expiresAt(), state, key.lastUsed());
            }
            rows.print(out(), format);
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke an API key: its next request is refused (401).")
    static final class Revoke extends PilotdSubcommand {
        @Parameters(paramLabel = "NAME", description = "The key's name.")
        String name;

        @Override
        protected boolean inspectsOnly() {
            return true;
        }

        @Override
        protected int execute(Session session) {
            if (!new EndpointKeys(session.database().jdbi()).revoke(name, Instant.now())) {
                throw new ParameterException(spec.commandLine(), "no live key named " + name + " (pilotd endpoint key list)");
            }
            err().printf("API key %s revoked%n", name);
            return ExitCodes.OK;
        }
    }

    @Command(name = "token", description = "Bearer tokens of the issuers of endpoint.tokens.", subcommands = {CheckToken.class})
    static final class Token {
    }

    @Command(name = "check", description = {"Check a bearer token as the endpoint would: read from standard input (never an"
        + " argument, which ps and the shell's history would show), verified against its issuer's keys.",
        "Prints whom it is, its VO and queues; or the RFC 6750 error it would be refused with (exit 1)."})
    static final class CheckToken extends PilotdSubcommand {
        @Option(names = "--right", defaultValue = "submit", paramLabel = "RIGHT",
                description = "What it is asked to do: submit, read or cancel (default: ${DEFAULT-VALUE}).")
        String right;

        @Override
        protected boolean inspectsOnly() {
            return true;
        }

        @Override
        protected int execute(Session session) throws IOException {
            if (session.config().endpoint().tokens().isEmpty()) {
                throw new ParameterException(spec.commandLine(), "the config names no issuer of bearer tokens (endpoint.tokens)");
            }
            String token = new String(System.in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = token.substring(7).strip();
            }
            if (token.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no token on standard input");
            }
            TokenCheck check;
            try {
                check = TokenCheck.of(session.config().endpoint().tokens(), token, right);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--right: " + e.getMessage());
            }
            if (check.status() != 200) {
                out().printf("refused: %d %s%nWWW-Authenticate: %s%n", check.status(), check.message(), check.challenge());
                return ExitCodes.FAILURE;
            }
            out().printf("taken: %s%nVO: %s%nqueues: %s%n", check.message(), check.vo(), String.join(", ", check.queues()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "audit", description = "The endpoint's latest requests: who, what, and what came of it.")
    static final class Audit extends InspectionCommand {
        @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int execute(Session session) {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
            }
            Rows rows = new Rows("at", "key", "token", "remote", "method", "path", "queue", "jobName", "status", "outcome");
            for (EndpointAudit.Shown shown : new EndpointAudit(session.database().jdbi()).latest(limit)) {
                EndpointAudit.Entry e = shown.entry();
                rows.add(e.at(), shown.keyName(), e.tokenSubject() == null ? null : e.tokenSubject() + " of " + e.tokenIssuer(),
                        e.remote(), e.method(), e.path(), e.queue(), e.jobName(), e.status(), e.outcome());
            }
            rows.print(out(), format);
            return ExitCodes.OK;
        }
    }

    @Command(name = "openapi", description = "Print the OpenAPI document of the endpoint's API.")
    static final class OpenApi implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(Endpoint.openApi());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
