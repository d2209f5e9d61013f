package io.pilotd.director.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A Jdbi over a data source that counts what reaches the server: each statement executed, and
 * each row of a JDBC batch (the server runs a batch's rows one by one).
 */
public final class StatementCounter {
    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "addBatch");
    private final AtomicInteger count = new AtomicInteger();
    private final List<String> executed = Collections.synchronizedList(new ArrayList<>());
    private final Jdbi jdbi;

    public StatementCounter(DataSource dataSource) {
        DataSource counting = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    return result instanceof Connection c ? wrap(c, Connection.class, null) : result;
                });
        jdbi = Jdbi.create(counting);
        jdbi.registerArrayType(String.class, "text");
        jdbi.registerArrayType(Long.class, "bigint");
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public int count() {
        return count.get();
    }

    /** What was counted since the last reset, one line each, for a failing assertion to show. */
    public List<String> executed() {
        synchronized (executed) {
            return List.copyOf(executed);
        }
    }

    public void reset() {
        count.set(0);
        executed.clear();
    }

    @SuppressWarnings("unchecked")
    private <T> T wrap(T target, Class<T> type, String sql) {
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler(target, sql));
    }

    /** @param sql the statement's text when prepared (null: given to each execute) */
    private InvocationHandler handler(Object target, String sql) {
        return (proxy, method, args) -> {
            if (target instanceof Statement && EXECUTIONS.contains(method.getName())) {
                count.incrementAndGet();
                String text = sql != null ? sql : args != null && args.length > 0 ? String.valueOf(args[0]) : "?";
                executed.add(text.replaceAll("\\s+", " ").strip());
            }
            Object result = invoke(target, method, args);
            String prepared = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
            if (result instanceof java.sql.CallableStatement s) {
                return wrap(s, java.sql.CallableStatement.class, prepared);
            }
            if (result instanceof java.sql.PreparedStatement s) {
                return wrap(s, java.sql.PreparedStatement.class, prepared);
            }
            if (result instanceof Statement s) {
                return wrap(s, Statement.class, null);
            }
            return result;
        };
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
