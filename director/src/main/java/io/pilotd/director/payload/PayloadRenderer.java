package io.pilotd.director.payload;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Renders the VM user-data from the {@code cloud-init/} templates, with a logic-less template
 * engine. Values travel base64-encoded inside the YAML, so no value can break it.
 */
public final class PayloadRenderer {
    private static final String USER_DATA = "cloud-init/user-data.yaml.mustache";
    private static final String BOOTSTRAP = "cloud-init/pilot-bootstrap.sh";

    private final Mustache userData;
    private final String bootstrap;

    private PayloadRenderer(Mustache userData, String bootstrap) {
        this.userData = userData;
        this.bootstrap = bootstrap;
    }

    public static PayloadRenderer fromClasspath() {
        return new PayloadRenderer(new DefaultMustacheFactory().compile(USER_DATA), resource(BOOTSTRAP));
    }

    private static String resource(String name) {
        try (InputStream in = PayloadRenderer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    /**
     * @param maxLifetime the VM powers itself off this long after boot, whether or not anyone
     *                    is left to kill it
     */
    public String userData(Map<String, String> environment, Duration maxLifetime) {
        StringBuilder file = new StringBuilder();
        environment.forEach((name, value) ->
                file.append(name).append("='").append(value.replace("'", "'\\''")).append("'\n"));
        StringWriter out = new StringWriter();
        userData.execute(out, Map.of("environmentBase64", base64(file.toString()), "bootstrapBase64", base64(bootstrap),
                "maxLifetimeMinutes", Long.toString(Math.max(1, maxLifetime.toMinutes()))));
        return out.toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
