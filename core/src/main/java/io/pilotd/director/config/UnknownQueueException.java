package io.pilotd.director.config;

import java.util.List;
import java.util.stream.Collectors;

/** A command named a queue the config does not have. */
public class UnknownQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownQueueException(String name, List<QueueConfig> queues) {
        super("no queue named '" + name + "' in the config (queues: "
                + queues.stream().map(QueueConfig::name).collect(Collectors.joining(", ")) + ")");
    }
}
