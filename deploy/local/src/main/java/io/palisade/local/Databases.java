package io.palisade.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** JDBC helpers shared by LocalPostgres and the launcher (for an external server given by PALISADE_DB_URL). */
final class Databases {
    private static final String DUPLICATE_DATABASE = "42P04";

    private Databases() {
    }

    static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "palisade-local");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** Creates the database unless it exists; adminJdbcUrl points at an existing database (normally "postgres"). */
    static void createIfMissing(String adminJdbcUrl, String user, String password, String database) {
        try (Connection c = connect(adminJdbcUrl, user, password)) {
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("create database " + quoteIdentifier(database));
            } catch (SQLException e) {
                if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database + " via " + adminJdbcUrl + ": "
                    + e.getMessage(), e);
        }
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
