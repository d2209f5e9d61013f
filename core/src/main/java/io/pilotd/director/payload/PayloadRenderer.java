package io.pilotd.director.payload;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.pilotd.director.config.CvmfsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the pilot's wrapper, bootstrap and VM user-data from the {@code cloud-init/} templates
 * with a logic-less template engine. A site's templates directory is looked in first, so a site
 * can change them without rebuilding; the built-in ones fill the rest. Values go into the
 * user-data base64-encoded and into the scripts shell-quoted, so that no value can break either.
 */
public final class PayloadRenderer {
    static final String USER_DATA = "user-data.yaml.mustache";
    static final String BOOTSTRAP = "pilot-bootstrap.sh";
    static final String WRAPPER = "dirac-pilot-wrapper.sh.mustache";
    /** Where a VM's cloud-init puts the wrapper and the proxy, for the bootstrap to find. */
    static final String VM_WRAPPER_FILE = "/usr/local/libexec/pilotd-wrapper";
    static final String VM_PROXY_FILE = "/home/pilot/proxy";

    private final Mustache userData;
    private final Mustache wrapper;
    private final String bootstrap;

    private PayloadRenderer(Path overrides) {
        DefaultMustacheFactory factory = new DefaultMustacheFactory();
        this.userData = factory.compile(new StringReader(template(overrides, USER_DATA)), USER_DATA);
        this.wrapper = factory.compile(new StringReader(template(overrides, WRAPPER)), WRAPPER);
        this.bootstrap = template(overrides, BOOTSTRAP);
    }

    /** @param templates a directory of the site's own templates, or null for the built-in ones only */
    public static PayloadRenderer of(String templates) {
        return new PayloadRenderer(templates == null ? null : Path.of(templates));
    }

    private static String template(Path overrides, String name) {
        if (overrides != null && Files.isRegularFile(overrides.resolve(name))) {
            try {
                return Files.readString(overrides.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the template " + overrides.resolve(name) + ": " + e.getMessage(), e);
            }
        }
        String resource = "cloud-init/" + name;
        try (InputStream in = PayloadRenderer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
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
     * @param locations    where the pilot files are, in order
     * @param options      dirac-pilot.py's options before the stamp's
     * @param extraOptions the queue's own, after it
     */
    public String wrapper(List<String> locations, List<String> options, List<String> extraOptions) {
        Map<String, Object> scope = new HashMap<>();
        scope.put("locations", locations.stream().map(PayloadRenderer::quote).toList());
        scope.put("options", options.stream().map(PayloadRenderer::quote).toList());
        scope.put("extraOptions", extraOptions.stream().map(PayloadRenderer::quote).toList());
        StringWriter out = new StringWriter();
        wrapper.execute(out, scope);
        return out.toString();
    }

    /**
     * A VM's cloud-config.
     *
     * @param proxyPem    the proxy it carries, or null
     * @param cvmfs       how it mounts CVMFS, or null for not at all
     * @param maxLifetime the VM powers itself off this long after boot, whether or not anyone is
     *                    left to kill it
     */
    public String userData(Map<String, String> environment, String wrapperText, String proxyPem, CvmfsSettings cvmfs,
                           Duration maxLifetime) {
        StringBuilder file = new StringBuilder();
        environment.forEach((name, value) -> file.append(name).append('=').append(quote(value)).append('\n'));
        file.append("PILOTD_WRAPPER_FILE=").append(VM_WRAPPER_FILE).append('\n');
        if (proxyPem != null) {
            file.append("X509_USER_PROXY=").append(VM_PROXY_FILE).append('\n');
        }
        Map<String, Object> scope = new HashMap<>();
        scope.put("environmentBase64", base64(file.toString()));
        scope.put("bootstrapBase64", base64(bootstrap));
        scope.put("wrapperBase64", base64(wrapperText));
        scope.put("maxLifetimeMinutes", Long.toString(Math.max(1, maxLifetime.toMinutes())));
        if (proxyPem != null) {
            scope.put("proxyBase64", base64(proxyPem));
        }
        if (cvmfs != null) {
            scope.put("cvmfs", Map.of("defaultLocalBase64", base64(cvmfs.defaultLocal())));
        }
        StringWriter out = new StringWriter();
        userData.execute(out, scope);
        return out.toString();
    }

    /** One word for {@code sh}, whatever it holds. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
