// The SQL password back end's configuration, as text: the table and the two database accounts
// (Dovecot's, read-only; the module's, which may only change the password column), Dovecot's
// passdb (2.3 and 2.4 syntax), the module's configuration file and its database password file.
// password-sql.test.ts runs exactly these against real servers, and docs/SERVER.md shows them
// rendered with the values of DOC (the test checks that it does).

export type SqlKind = 'pgsql' | 'mysql';

export interface SqlSetup {
  kind: SqlKind;
  host: string;
  port: number;
  /** Dovecot's database password and the module's. */
  dovecotPassword: string;
  xexecPassword: string;
  /** Where the files go (the instance's etc/ in the tests). */
  etc: string;
  /** The auth listener of the mail uid (docs/SERVER.md "Password back ends"). */
  authSocket: string;
  /** MariaDB: the CA of the server's certificate (TLS: MariaDB 11.4's client requires it). */
  tlsCa?: string;
  /** The module's sql-update (default UPDATE_QUERY). */
  update?: string;
}

export const DATABASE = 'mail';
export const UPDATE_QUERY = "UPDATE users SET password = :'hash' WHERE username = :'user' AND active";

/** What SERVER.md shows. */
export const DOC = {
  host: '127.0.0.1', dovecotPassword: 'DOVECOT-DB-PASSWORD', xexecPassword: 'XEXEC-DB-PASSWORD', etc: '/etc/dovecot',
  authSocket: '/run/dovecot/auth-xexec', tlsCa: '/etc/dovecot/mariadb-ca.pem',
};
export const DOC_PORT: Record<SqlKind, number> = { pgsql: 5432, mysql: 3306 };

/** The database, the table and the accounts; run as the database's superuser. */
export function schemaSql(s: SqlSetup): string {
  if (s.kind === 'pgsql') {
    return `CREATE DATABASE ${DATABASE} ENCODING 'UTF8';
\\connect ${DATABASE}
CREATE TABLE users (
  username varchar(255) PRIMARY KEY,
  domain varchar(255) NOT NULL,
  password varchar(255) NOT NULL,
  active boolean NOT NULL DEFAULT true
);
CREATE ROLE dovecot LOGIN PASSWORD '${s.dovecotPassword}';
GRANT SELECT ON users TO dovecot;
CREATE ROLE xexec LOGIN PASSWORD '${s.xexecPassword}';
GRANT SELECT (username, domain, active), UPDATE (password) ON users TO xexec;
`;
  }
  return `CREATE DATABASE ${DATABASE} CHARACTER SET utf8mb4;
USE ${DATABASE};
CREATE TABLE users (
  username varchar(255) PRIMARY KEY,
  domain varchar(255) NOT NULL,
  password varchar(255) NOT NULL,
  active boolean NOT NULL DEFAULT true
);
CREATE USER 'dovecot'@'${s.host}' IDENTIFIED BY '${s.dovecotPassword}';
GRANT SELECT ON ${DATABASE}.users TO 'dovecot'@'${s.host}';
CREATE USER 'xexec'@'${s.host}' IDENTIFIED BY '${s.xexecPassword}';
GRANT SELECT (username, domain, active), UPDATE (password) ON ${DATABASE}.users TO 'xexec'@'${s.host}';
`;
}

/** The dovecot-sql.conf.ext of 2.3's `passdb { driver = sql }`. */
export function dovecotSqlExt(s: SqlSetup): string {
  return `driver = ${s.kind}
connect = host=${s.host} port=${s.port} dbname=${DATABASE} user=dovecot password=${s.dovecotPassword}
default_pass_scheme = SHA512-CRYPT
password_query = SELECT username AS user, password FROM users WHERE username = '%u' AND active
`;
}

export function dovecotSqlExtPath(s: SqlSetup): string {
  return `${s.etc}/dovecot-sql.conf.ext`;
}

/** The passdb in dovecot.conf: 2.3 names the .ext file, 2.4 has it all inline. */
export function dovecotPassdb(s: SqlSetup, v24: boolean): string {
  if (!v24) {
    return `passdb {
  driver = sql
  args = ${dovecotSqlExtPath(s)}
}
`;
  }
  const params = [`port = ${s.port}`, `dbname = ${DATABASE}`, 'user = dovecot', `password = ${s.dovecotPassword}`];
  // pgsql: libpq's connection parameters in a list; mysql: settings of their own.
  const host = s.kind === 'pgsql'
    ? `pgsql ${s.host} {\n  parameters {\n${params.map((p) => `    ${p}\n`).join('')}  }\n}`
    : `mysql ${s.host} {\n${params.map((p) => `  ${p}\n`).join('')}}`;
  return `sql_driver = ${s.kind}
${host}
passdb sql {
  default_password_scheme = SHA512-CRYPT
  query = SELECT username AS user, password FROM users WHERE username = '%{user}' AND active
}
`;
}

/** The module's database password file: a libpq passfile, or a MariaDB option file. */
export function clientPasswordFile(s: SqlSetup): string {
  if (s.kind === 'pgsql') return `${s.host}:${s.port}:${DATABASE}:xexec:${s.xexecPassword}\n`;
  const tls = s.tlsCa ? `ssl-ca = ${s.tlsCa}\nssl-verify-server-cert\n` : '';
  return `[client]\npassword = ${s.xexecPassword}\n${tls}`;
}

export function clientPasswordFilePath(s: SqlSetup): string {
  return `${s.etc}/${s.kind === 'pgsql' ? 'xexec-password.pgpass' : 'xexec-password.my.cnf'}`;
}

export function modulePasswordConfPath(s: SqlSetup): string {
  return `${s.etc}/xexec-password.conf`;
}

/** The module's configuration file (--config=). */
export function moduleConfig(s: SqlSetup): string {
  return `driver = sql
sql-client = ${s.kind === 'pgsql' ? 'psql' : 'mariadb'}
sql-host = ${s.host}
sql-port = ${s.port}
sql-database = ${DATABASE}
sql-user = xexec
sql-password-file = ${clientPasswordFilePath(s)}
sql-update = ${s.update ?? UPDATE_QUERY}
auth-socket = ${s.authSocket}
`;
}

/** Each text as SERVER.md shows it. */
export function docTexts(kind: SqlKind): Record<string, string> {
  const s: SqlSetup = { kind, port: DOC_PORT[kind], ...DOC };
  return {
    schema: schemaSql(s), ext: dovecotSqlExt(s), passdb23: dovecotPassdb(s, false), passdb24: dovecotPassdb(s, true),
    passwordFile: clientPasswordFile(s), module: moduleConfig(s),
  };
}
