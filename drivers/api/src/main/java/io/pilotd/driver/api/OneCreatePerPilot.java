package io.pilotd.driver.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A submission made of one create per pilot, a few at a time, for a cloud that cannot start a
 * batch in one call or not say which resource is which. Its outcome is the contract's: when any
 * create's answer was lost the whole batch is left to the look-up; a refusal refuses the batch
 * only when nothing started; otherwise the pilots started, by stamp.
 */
public final class OneCreatePerPilot implements AutoCloseable {
    /** Creates pilot {@code index} of the request and says its jobRef. */
    public interface Create {
        String jobRef(int index) throws Exception;
    }

    /** What a create's failure means in the contract's terms. */
    public interface Errors {
        DriverException of(Throwable cause);
    }

    private final ExecutorService pool;

    /** @param name names the threads, after the queue */
    public OneCreatePerPilot(int atOnce, String name) {
        this.pool = Executors.newFixedThreadPool(atOnce, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public Map<String, String> submit(PilotRequest request, Create create, Errors errors) throws DriverException {
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < request.count(); i++) {
            int index = i;
            calls.add(pool.submit(() -> create.jobRef(index)));
        }
        Map<String, String> jobRefs = new LinkedHashMap<>();
        DriverException refused = null;
        OutcomeUnknownException unknown = null;
        for (int i = 0; i < calls.size(); i++) {
            try {
                jobRefs.put(request.stamps().get(i), calls.get(i).get());
            } catch (ExecutionException e) {
                DriverException failure = errors.of(e.getCause());
                if (failure instanceof OutcomeUnknownException lost) {
                    unknown = lost;
                } else if (refused == null) {
                    refused = failure;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unknown = new OutcomeUnknownException("interrupted waiting for the creates of batch " + request.batchId(), e);
            }
        }
        if (unknown != null) {
            throw unknown;
        }
        if (jobRefs.isEmpty() && refused != null) {
            throw refused;
        }
        return jobRefs;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
