package io.pilotd.scenarios;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real driver whose director is killed ({@code kill -9}) at the point it is armed for, the
 * next time its work reaches that point, whatever the cloud answered: {@link Killed} is an Error,
 * which the cycle does not catch, so nothing after it runs, as nothing would in a killed process.
 */
final class DyingDriver implements PilotDriver {
    enum Point {
        /** The submission written as Submitting, the cloud not called. */
        BEFORE_SUBMIT,
        /** The cloud was asked for the pilots (and may have made them); nothing of its answer written. */
        AFTER_SUBMIT,
        /** A submission whose answer was lost looked up at the cloud; nothing of the answer written. */
        AFTER_LOOKUP,
        /** The cloud was asked to delete pilots; the database still has them alive. */
        AFTER_KILL
    }

    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
        final Point point;

        Killed(Point point) {
            super("the director was killed: " + point);
            this.point = point;
        }
    }

    private final PilotDriver driver;
    private volatile Point armed;

    DyingDriver(PilotDriver driver) {
        this.driver = driver;
    }

    void arm(Point point) {
        armed = point;
    }

    void disarm() {
        armed = null;
    }

    Point armed() {
        return armed;
    }

    private void dieAt(Point point) {
        if (armed == point) {
            armed = null;
            throw new Killed(point);
        }
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        dieAt(Point.BEFORE_SUBMIT);
        try {
            return driver.submit(request);
        } finally {
            dieAt(Point.AFTER_SUBMIT);
        }
    }

    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        try {
            return driver.lookUp(request, directorId);
        } finally {
            dieAt(Point.AFTER_LOOKUP);
        }
    }

    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        return driver.status(jobRefs);
    }

    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        try {
            driver.kill(jobRefs);
        } finally {
            dieAt(Point.AFTER_KILL);
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        return driver.output(jobRef);
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        return driver.listOwned(directorId);
    }

    @Override
    public Duration consistencyWindow() {
        return driver.consistencyWindow();
    }

    @Override
    public void close() {
        driver.close();
    }
}
