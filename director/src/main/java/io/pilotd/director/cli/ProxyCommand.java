package io.pilotd.director.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.security.auth.module.UnixSystem;
import io.pilotd.proxy.Proxy;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.ProxyInfo;
import io.pilotd.proxy.VomsAttributes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "proxy", description = "Inspect X.509 proxies.", subcommands = ProxyCommand.Info.class)
final class ProxyCommand {

    /** How {@code proxy info} prints. */
    enum Format {
        text, json
    }

    @Command(name = "info", description = {
        "Show a proxy: subject, issuer, identity, type, time left, VO, FQANs and their time left.",
        "Checks it as the director does before every submission: the key matches the certificate, each "
            + "certificate is signed by the next, every one is valid now, and so are its VOMS attributes. "
            + "Exit code 0 when it is valid, 1 when it is expired or invalid (the reason on stderr)."})
    static final class Info extends PilotdSubcommand {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The proxy (default: the config's proxy.file, "
                + "else $X509_USER_PROXY, else /tmp/x509up_u<uid>).")
        Path file;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        protected int execute(Session session) throws Exception {
            Path path = file != null ? file : defaultFile(session);
            Instant now = Instant.now();
            Proxy proxy;
            try {
                proxy = Proxy.read(path);
            } catch (ProxyException e) {
                err().println("pilotd: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            ProxyInfo info = proxy.inspect(now);
            if (format == Format.json) {
                out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json(path, info, now)));
            } else {
                text(path, info, now);
            }
            for (String problem : info.problems()) {
                err().println("pilotd: " + path + ": " + problem);
            }
            return info.valid() ? ExitCodes.OK : ExitCodes.FAILURE;
        }

        private static Path defaultFile(Session session) {
            String configured = session.config().proxy().file();
            if (configured != null) {
                return Path.of(configured);
            }
            String env = System.getenv("X509_USER_PROXY");
            return Path.of(env != null && !env.isBlank() ? env : "/tmp/x509up_u" + new UnixSystem().getUid());
        }

        private void text(Path path, ProxyInfo info, Instant now) {
            out().printf("subject   : %s%n", info.subject());
            out().printf("issuer    : %s%n", info.issuer());
            out().printf("identity  : %s%n", info.identity());
            out().printf("type      : %s%n", info.type().description());
            out().printf("strength  : %d bits%n", info.bits());
            out().printf("path      : %s%n", path);
            out().printf("timeleft  : %s%n", clock(info.timeLeft(now)));
            if (info.voms().isPresent()) {
                VomsAttributes voms = info.voms().get();
                out().printf("=== VO %s extension information ===%n", voms.vo());
                out().printf("VO        : %s%n", voms.vo());
                for (String fqan : voms.fqans()) {
                    out().printf("attribute : %s%n", fqan);
                }
                out().printf("issuer    : %s%n", voms.issuer());
                out().printf("timeleft  : %s%n", clock(voms.timeLeft(now)));
            }
        }

        private static Map<String, Object> json(Path path, ProxyInfo info, Instant now) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("path", path.toString());
            json.put("valid", info.valid());
            json.put("problems", info.problems());
            json.put("subject", info.subject());
            json.put("issuer", info.issuer());
            json.put("identity", info.identity());
            json.put("type", info.type().name().toLowerCase().replace('_', '-'));
            json.put("typeDescription", info.type().description());
            json.put("bits", info.bits());
            json.put("notAfter", info.notAfter().toString());
            json.put("timeLeftSeconds", info.timeLeft(now).toSeconds());
            info.voms().ifPresent(voms -> {
                json.put("vo", voms.vo());
                json.put("fqans", voms.fqans());
                json.put("acIssuer", voms.issuer());
                json.put("acNotAfter", voms.notAfter().toString());
                json.put("acTimeLeftSeconds", voms.timeLeft(now).toSeconds());
            });
            return json;
        }

        private static String clock(Duration left) {
            return String.format("%d:%02d:%02d", left.toHours(), left.toMinutesPart(), left.toSecondsPart());
        }
    }
}
