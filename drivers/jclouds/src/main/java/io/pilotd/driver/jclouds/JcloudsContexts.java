package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Pace;
import io.pilotd.driver.api.RetryableDriverException;
import java.util.Properties;
import java.util.Set;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.compute.ComputeService;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

/**
 * The queue's jclouds context, built at its first use: building one wires a Guice injector
 * (seconds), which {@code pilotd config check} must not pay for every queue, and calls no cloud.
 */
final class JcloudsContexts implements AutoCloseable {
    private final JcloudsConfig config;
    private ComputeServiceContext context;

    JcloudsContexts(JcloudsConfig config) {
        this.config = config;
    }

    /**
     * The compute service, for one operation, in its turn: operations paced per provider,
     * endpoint and identity (the queue's {@code callsPerSecond}, four times as many at once; an
     * operation is a few of the provider's calls, a create with its look-ups), since a provider's
     * rate limits are its own.
     */
    ComputeService compute() throws DriverException {
        Pace.of("jclouds|" + config.provider() + "|" + config.endpoint().orElse("") + "|" + config.identity(),
                4.0 * config.callsPerSecond(), config.callsPerSecond()).takeFor("a jclouds call to " + config.provider());
        return context();
    }

    private synchronized ComputeService context() throws DriverException {
        if (context == null) {
            // jclouds finds its providers with the thread's class loader: in a distribution this
            // driver's own, which the director's threads do not have.
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(JcloudsContexts.class.getClassLoader());
            try {
                context = build();
            } catch (RuntimeException e) {
                throw new RetryableDriverException("jclouds could not set up provider " + config.provider() + ": "
                        + e.getMessage(), e);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        return context.getComputeService();
    }

    /**
     * The context's jclouds properties: the time-outs, no retries of its own, openstack-nova's
     * Keystone settings, then the queue's overrides. jclouds re-sends a request whose answer was
     * lost or a 5xx, creates too: each re-sent create whose answer was lost starts a second VM for
     * one stamp. The director decides what to re-send, after looking up what the cloud made.
     */
    static Properties properties(JcloudsConfig config) {
        Properties properties = new Properties();
        String millis = Long.toString(config.apiTimeout().toMillis());
        properties.setProperty(Constants.PROPERTY_CONNECTION_TIMEOUT, millis);
        properties.setProperty(Constants.PROPERTY_SO_TIMEOUT, millis);
        properties.setProperty(Constants.PROPERTY_MAX_RETRIES, "0");
        properties.putAll(config.keystone());
        properties.putAll(config.overrides());
        return properties;
    }

    private ComputeServiceContext build() {
        ContextBuilder builder = ContextBuilder.newBuilder(config.provider())
                .credentials(config.identity(), config.credential())
                .overrides(properties(config))
                .modules(Set.of(new SLF4JLoggingModule()));
        config.endpoint().ifPresent(builder::endpoint);
        return builder.buildView(ComputeServiceContext.class);
    }

    @Override
    public synchronized void close() {
        if (context != null) {
            context.close();
        }
    }
}
