package io.pilotd.director.cycle;

import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.payload.PilotProxies;
import io.pilotd.director.payload.Redaction;
import io.pilotd.director.store.DecisionInputs;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.SharedDemand;
import io.pilotd.director.store.SiteQueue;
import io.pilotd.director.store.SiteRow;
import io.pilotd.director.store.SiteStore;
import io.pilotd.director.store.SubmissionLease;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.NotYetListedException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.PartlyRefusedException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.proxy.ProxyException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Starts the pilots a queue needs, the same way for the cycle and for {@code pilotd submit}:
 * <ol>
 *   <li>under the queue's row lock and its site's, count supply, check the queue's proxy, decide, and write the
 *       {@code Submitting} rows, in one transaction, so that concurrent submitters can never
 *       pass a queue limit or a site cap together; the statement that writes them takes the
 *       batch's lease (so that nobody resolves its rows while the call is in flight);</li>
 *   <li>call the driver once for the whole batch;</li>
 *   <li>record the jobRefs ({@code Submitted}); a refusal or a throttled call started nothing,
 *       so its rows become {@code Aborted} at once; a lost answer leaves them {@code Submitting}
 *       (still counted) for {@link UnresolvedSubmissions} to resolve by asking the cloud.</li>
 * </ol>
 */
public final class Submitter {
    private final Jdbi jdbi;
    private final PilotStore pilots;
    private final SiteStore sites;
    private final PilotEnvironment environment;
    private final String directorId;
    private final Clock clock;

    public Submitter(Jdbi jdbi, PilotEnvironment environment, String directorId, Clock clock) {
        this.jdbi = jdbi;
        this.pilots = new PilotStore(jdbi);
        this.sites = new SiteStore(jdbi);
        this.environment = environment;
        this.directorId = directorId;
        this.clock = clock;
    }

    /** Decided, and with {@code dryRun} nothing written. */
    private record Plan(QueueRow queue, QueueCounts supply, SharedDemand.Demand demand, Decision decision,
                        List<String> stamps, PilotProxies.Verdict proxy) {
    }

    /**
     * One pilot whose requester supplies its proxy and wrapper, and maybe its stamp (the
     * serverless endpoint): the queue's limits and its site's caps apply; its demand and its own
     * proxy do not.
     *
     * @param stamp   the pilot's stamp, or null for one derived from the batch id
     * @param written called in the transaction that writes the pilot's {@code Submitting} row,
     *                with its stamp: what it writes stands or falls with the row
     */
    public record Supplied(String stamp, String proxyPem, String wrapper, BiConsumer<Handle, String> written) {
    }

    public SubmitResult submit(String queueName, PilotDriver driver, Decision.Request request, boolean dryRun) {
        return submit(queueName, driver, request, null, dryRun);
    }

    public SubmitResult submit(String queueName, PilotDriver driver, Supplied supplied) {
        return submit(queueName, driver, new Decision.Request(1, false), supplied, false);
    }

    private SubmitResult submit(String queueName, PilotDriver driver, Decision.Request request, Supplied supplied,
                                boolean dryRun) {
        String batchId = BatchIds.next();
        if (dryRun) {
            Plan plan = jdbi.withHandle(h -> decide(h, null, queueName, request, null));
            return new SubmitResult(plan.demand(), plan.supply(), plan.decision(), batchId, Map.of(), List.of(),
                    proxyProblem(plan), null);
        }
        try (SubmissionLease lease = SubmissionLease.open(jdbi, batchId)) {
            Handle h = lease.handle();
            Plan plan = decide(h, lease, queueName, request, supplied);
            SharedDemand.Demand demand = plan.demand();
            if (plan.stamps().isEmpty()) {
                return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, Map.of(), List.of(),
                        proxyProblem(plan), null);
            }
            PilotRequest pilotRequest;
            try {
                pilotRequest = supplied == null ? environment.request(plan.queue(), batchId, plan.stamps(), plan.proxy())
                        : environment.supplied(plan.queue(), batchId, plan.stamps(), supplied.proxyPem(), supplied.wrapper());
            } catch (ProxyException | RuntimeException e) {
                // Nothing was sent: a proxy that cannot be delegated, a site's user-data part that cannot be read.
                pilots.abort(h, plan.stamps(), "not started: " + e.getMessage());
                return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, Map.of(), plan.stamps(),
                        "refused: " + e.getMessage(), SubmitResult.Failure.REFUSED);
            }
            // A cloud may echo what it was sent in its error: the proxy never goes further.
            List<String> secrets = List.copyOf(pilotRequest.payload().secrets().values());
            Map<String, String> jobRefs;
            try {
                jobRefs = driver.submit(pilotRequest);
            } catch (NotYetListedException e) {
                pilots.recordSubmitted(h, e.listed(), NativeIds.of(driver, e.listed().values()));
                return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, e.listed(), List.of(), null, null);
            } catch (PartlyRefusedException e) {
                String why = Redaction.scrub(e.getMessage(), secrets);
                pilots.recordSubmitted(h, e.started(), NativeIds.of(driver, e.started().values()));
                pilots.abort(h, e.refused(), "submission refused: " + why);
                return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, e.started(), e.refused(),
                        "refused: " + why, SubmitResult.Failure.REFUSED);
            } catch (OutcomeUnknownException e) {
                return unknownOutcome(demand, plan, batchId, Redaction.scrub(e.getMessage(), secrets));
            } catch (RetryableDriverException e) {
                String why = Redaction.scrub(e.getMessage(), secrets);
                pilots.abort(h, plan.stamps(), "not started, the cloud could not take it now: " + why);
                return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, Map.of(), plan.stamps(),
                        "not carried out: " + why, SubmitResult.Failure.CLOUD);
            } catch (DriverException e) {
                String why = Redaction.scrub(e.getMessage(), secrets);
                pilots.abort(h, plan.stamps(), "submission refused: " + why);
                return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, Map.of(), plan.stamps(),
                        "refused: " + why, SubmitResult.Failure.REFUSED);
            } catch (RuntimeException e) {
                // A driver's bug says nothing of what the cloud did: as safe as a lost answer.
                return unknownOutcome(demand, plan, batchId, Redaction.scrub(e.toString(), secrets));
            }
            pilots.recordSubmitted(h, jobRefs, NativeIds.of(driver, jobRefs.values()));
            List<String> notStarted = new ArrayList<>(plan.stamps());
            notStarted.removeAll(jobRefs.keySet());
            pilots.abort(h, notStarted, "the cloud started " + jobRefs.size() + " of " + plan.stamps().size() + " pilots");
            return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, jobRefs, notStarted, null, null);
        }
    }

    /** Why the queue's proxy stopped the submission, when it did. */
    private static String proxyProblem(Plan plan) {
        return plan.decision().factor() == DecidingFactor.proxy ? "refused: " + plan.proxy().problem() : null;
    }

    /** The cloud may have started the pilots: their rows stay Submitting, counted, until the cloud says. */
    private static SubmitResult unknownOutcome(SharedDemand.Demand demand, Plan plan, String batchId, String why) {
        return new SubmitResult(demand, plan.supply(), plan.decision(), batchId, Map.of(), List.of(),
                "outcome unknown, asking the cloud about batch " + batchId + ": " + why, SubmitResult.Failure.CLOUD);
    }

    /**
     * Locks the queue, its site and the task queues it serves ({@link DecisionInputs}), then
     * counts and decides, and with a lease writes the decided rows, in one transaction.
     *
     * @param lease    null for a dry run: nothing is written
     * @param supplied null but for a pilot whose requester supplies its proxy
     */
    private Plan decide(Handle handle, SubmissionLease lease, String queueName, Decision.Request request,
                        Supplied supplied) {
        return handle.inTransaction(h -> {
            Instant now = clock.instant();
            DecisionInputs in = DecisionInputs.lock(h, queueName);
            QueueRow queue = in.queue();
            SiteRow site = in.site();
            SiteAllowance allowance = SiteAllowance.NONE;
            if (site.capped()) {
                List<SiteQueue> siteQueues = sites.queues(h, site.name(), queueName, in.demand());
                allowance = request.count() == null
                        ? SiteAllowance.of(site, siteQueues, queueName, now)
                        : SiteAllowance.headroom(site, siteQueues, queueName);
            }
            Decision decision = Decision.decide(queue, in.supply(), in.demand().pilotsNeeded(), request, allowance, now);
            if (request.count() == null && decision.count() > 1) {
                // the demand's cycle only: a manual submission or an endpoint's request says how many itself
                decision = new HoldBack(in.work()).apply(decision);
            }
            // No pilot goes without the proxy it needs, forced or not; a disabled queue needs none.
            PilotProxies.Verdict proxy = supplied == null ? environment.checkProxy(queue) : PilotProxies.Verdict.NONE;
            if (!proxy.fit() && decision.factor() != DecidingFactor.disabled) {
                decision = new Decision(0, DecidingFactor.proxy);
            }
            if (lease == null || decision.count() == 0) {
                return new Plan(queue, in.supply(), in.demand(), decision, List.of(), proxy);
            }
            List<String> stamps = supplied != null && supplied.stamp() != null ? List.of(supplied.stamp())
                    : BatchStamps.stamps(lease.batchId(), decision.count());
            // A supplied pilot was asked for by its requester, not for the task queues' jobs: it covers none of them.
            pilots.insertSubmitting(lease, queue, stamps, directorId, now, supplied == null ? in.taskQueues() : List.of());
            if (supplied != null) {
                supplied.written().accept(h, stamps.get(0));
            }
            return new Plan(queue, in.supply(), in.demand(), decision, stamps, proxy);
        });
    }
}
