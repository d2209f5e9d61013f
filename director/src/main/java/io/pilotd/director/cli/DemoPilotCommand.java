package io.pilotd.director.cli;

import io.pilotd.director.store.TaskQueueStore;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.PilotPayload;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo-pilot", description = {
    "(demo) The pilot the built-in local queue runs.",
    "Takes one waiting job that this pilot's queue can serve from the task queue, 'runs' it, and marks it "
        + "done, as a DIRAC pilot matches and runs a job. Reads the stamp from $" + PilotPayload.STAMP_VARIABLE
        + " and the queue from $PILOTD_QUEUE."})
final class DemoPilotCommand extends PilotdSubcommand {
    @Option(names = "--work", defaultValue = "2s", description = "How long the job 'runs' (default: ${DEFAULT-VALUE}).")
    String work;

    @Override
    protected int execute(Session session) throws InterruptedException {
        String stamp = requireEnv(PilotPayload.STAMP_VARIABLE);
        String queue = requireEnv("PILOTD_QUEUE");
        Duration duration = Durations.parse(work);
        TaskQueueStore taskQueue = new TaskQueueStore(session.database().jdbi());
        Optional<TaskQueueStore.MatchedJob> job = taskQueue.match(queue, stamp);
        if (job.isEmpty()) {
            out().printf("pilot %s: no job for queue %s, exiting%n", stamp, queue);
            return ExitCodes.OK;
        }
        out().printf("pilot %s: matched job %d of task queue %d%n", stamp, job.get().jobId(), job.get().taskQueueId());
        out().flush();
        Thread.sleep(duration.toMillis());
        taskQueue.finish(job.get().jobId(), true);
        out().printf("pilot %s: job %d done%n", stamp, job.get().jobId());
        return ExitCodes.OK;
    }

    private static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("$" + name + " is not set: demo-pilot runs as a pilot of the local driver");
        }
        return value;
    }
}
