package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A pilot's state from its pod: Pending is waiting (Scheduled once on a node), then Running,
 * Succeeded is Done, Failed says the container's exit code and reason (Aborted where the
 * container never ran). A pod that cannot be
 * placed, or whose container cannot be made (its image not pulled, its Secret missing), waits
 * out the queue's grace, then is Failed with the reason: a cluster that will not run it is not
 * made to look like one that is slow.
 */
final class PodStates {
    /** A container's waiting reasons that will not go away by themselves. */
    static final Set<String> STUCK = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError");

    private PodStates() {
    }

    static PilotState of(Pod pod, Instant now, Duration grace) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
        return switch (phase) {
            case "Pending" -> pending(pod, now, grace);
            case "Running" -> PilotState.of(PilotStatus.Running, "Running on " + pod.getSpec().getNodeName());
            case "Succeeded" -> PilotState.of(PilotStatus.Done, "Succeeded" + terminated(pod).map(PodStates::describe).orElse(""));
            // A pod whose container never ran (its Job's deadline passed while it waited) is Aborted, as
            // DIRAC says of a pilot its batch system gave up on before it ran: HTCondorCEComputingElement.py
            // (src/DIRAC/Resources/Computing), getJobStatus, a HELD pilot becomes PilotStatus.ABORTED.
            case "Failed" -> PilotState.of(terminated(pod).map(t -> t.getStartedAt() != null).orElse(false) ? PilotStatus.Failed
                    : PilotStatus.Aborted, "Failed" + Optional.ofNullable(pod.getStatus().getReason()).map(r -> ": " + r).orElse("")
                    + terminated(pod).map(PodStates::describe).orElse(""));
            default -> PilotState.of(PilotStatus.Unknown, "pod phase " + phase);
        };
    }

    private static PilotState pending(Pod pod, Instant now, Duration grace) {
        Optional<String> stuck = unschedulable(pod).or(() -> stuckContainer(pod));
        if (stuck.isPresent()) {
            boolean pastGrace = created(pod).map(at -> at.plus(grace).isBefore(now)).orElse(false);
            return PilotState.of(pastGrace ? PilotStatus.Failed : PilotStatus.Waiting,
                    stuck.get() + (pastGrace ? " for more than " + grace.toMinutes() + " min" : ""));
        }
        boolean scheduled = conditions(pod).stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()));
        return scheduled ? PilotState.of(PilotStatus.Scheduled, "Pending on " + pod.getSpec().getNodeName())
                : PilotState.of(PilotStatus.Waiting, "Pending");
    }

    private static Optional<String> unschedulable(Pod pod) {
        return conditions(pod).stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))
                .findFirst().map(c -> "Unschedulable" + (c.getMessage() == null ? "" : ": " + c.getMessage()));
    }

    private static Optional<String> stuckContainer(Pod pod) {
        return containers(pod).stream()
                .map(s -> s.getState() == null ? null : s.getState().getWaiting())
                .filter(w -> w != null && STUCK.contains(w.getReason()))
                .findFirst().map(PodStates::describe);
    }

    private static String describe(ContainerStateWaiting waiting) {
        return waiting.getReason() + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage());
    }

    private static String describe(ContainerStateTerminated t) {
        return " (exit code " + t.getExitCode() + (t.getReason() == null ? "" : ", " + t.getReason()) + ")";
    }

    private static Optional<ContainerStateTerminated> terminated(Pod pod) {
        return containers(pod).stream().filter(s -> KubernetesJobs.CONTAINER.equals(s.getName()))
                .map(s -> s.getState() == null ? null : s.getState().getTerminated()).filter(t -> t != null).findFirst();
    }

    private static List<PodCondition> conditions(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
    }

    private static List<ContainerStatus> containers(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of() : pod.getStatus().getContainerStatuses();
    }

    static Optional<Instant> created(Pod pod) {
        try {
            return Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
