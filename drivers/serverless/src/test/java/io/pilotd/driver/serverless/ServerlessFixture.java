package io.pilotd.driver.serverless;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeServerless;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.ServerCredentials;
import io.pilotd.proxy.TestTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A fake serverless endpoint over HTTPS on 127.0.0.1 (a CA made for the test), a key for it, and drivers of it. */
final class ServerlessFixture implements AutoCloseable {
    static final String KEY = "pilotd_test-key-0f9e8d7c6b5a";

    final FakeServerless endpoint;
    final TestTls.Pem tls;
    final Path keyFile;
    private final Path dir;

    ServerlessFixture(Path dir, CloudBehaviour behaviour) {
        this.dir = dir;
        this.tls = TestTls.write(dir);
        this.endpoint = new FakeServerless(behaviour, serverContext(tls));
        endpoint.allow(KEY);
        this.keyFile = secret("api.key", KEY);
    }

    Path secret(String name, String value) {
        try {
            Path file = Files.writeString(dir.resolve(name), value + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("endpoint", endpoint.url());
        parameters.put("queue", "batch-eu");
        parameters.put("apiKeyFile", keyFile.toString());
        parameters.put("caBundle", tls.ca().toString());
        parameters.put("timeout", "10s");
        // the fake endpoint meters nothing
        parameters.put("callsPerMinute", 1_000_000);
        return parameters;
    }

    PilotDriver driver(String directorId, Map<String, Object> parameters) throws InvalidParametersException {
        return new ServerlessDriverFactory().create(new DriverParameters(parameters),
                new DriverContext(directorId, "contract-q", dir.resolve("driver")));
    }

    private static SSLContext serverContext(TestTls.Pem tls) {
        try {
            char[] password = "test".toCharArray();
            KeyStore keys = ServerCredentials.keyStore(tls.certificate(), tls.key(), password);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (ProxyException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
