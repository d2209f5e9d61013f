package io.pilotd.director.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
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
    private final Jdbi jdbi;

    public StatementCounter(DataSource dataSource) {
        DataSource counting = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    return result instanceof Connection c ? wrap(c, Connection.class) : result;
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

    public void reset() {
        count.set(0);
    }

    @SuppressWarnings("unchecked")
    private <T> T wrap(T target, Class<T> type) {
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler(target));
    }

    private InvocationHandler handler(Object target) {
        return (proxy, method, args) -> {
            if (target instanceof Statement && EXECUTIONS.contains(method.getName())) {
                count.incrementAndGet();
            }
            Object result = invoke(target, method, args);
            if (result instanceof java.sql.CallableStatement s) {
                return wrap(s, java.sql.CallableStatement.class);
            }
            if (result instanceof java.sql.PreparedStatement s) {
                return wrap(s, java.sql.PreparedStatement.class);
            }
            if (result instanceof Statement s) {
                return wrap(s, Statement.class);
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
