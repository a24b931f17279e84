"""The real SQL engines iq's translations are tested on, started by the tests.

Each engine loads the built-in tables from `iq --export-dataset D` (which
tests the export too) and runs a statement, giving rows as iq's csv writes
them: money with two places, booleans true/false, dates ISO, doubles as
Python's repr, null as an empty field.

- sqlite: Python's sqlite3, in memory.
- duckdb: PyPI's duckdb, in memory.
- postgres: a throwaway PostgreSQL cluster: initdb into a temporary folder
  (as the `postgres` user when run as root, since initdb refuses root),
  listening on 127.0.0.1 on a free port, removed at the end.
- spark: PyPI's pyspark in local[2] mode, one JVM for the whole run
  (SPARK_LOCAL_IP=127.0.0.1, no web UI, its warehouse in a temporary folder).
"""
import atexit
import datetime
import decimal
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

DIALECT = {"sqlite": "sqlite", "duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}


def cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, decimal.Decimal):
        # Money comes back with two places; a whole number (a sum) with none.
        if v.as_tuple().exponent == -2:
            return f"{v:.2f}"
        return str(int(v)) if v == v.to_integral_value() else repr(float(v))
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return str(v)


def statements(script):
    """Splits an export into its statements (each ends with ';' at a line's end)."""
    out, current = [], []
    for line in script.splitlines(keepends=True):
        current.append(line)
        if line.rstrip().endswith(";"):
            out.append("".join(current).rstrip().rstrip(";"))
            current = []
    return out


class SQLite:
    name = "sqlite"

    def __init__(self):
        import sqlite3
        self.db = sqlite3.connect(":memory:")
        self.error = sqlite3.Error

    def load(self, script):
        self.db.executescript(script)

    def rows(self, sql):
        return [[cell(v) for v in r] for r in self.db.execute(sql).fetchall()]

    def close(self):
        self.db.close()


class DuckDB:
    name = "duckdb"

    def __init__(self):
        import duckdb
        self.db = duckdb.connect(":memory:")
        self.error = duckdb.Error

    def load(self, script):
        for s in statements(script):
            self.db.execute(s)

    def rows(self, sql):
        return [[cell(v) for v in r] for r in self.db.execute(sql).fetchall()]

    def close(self):
        self.db.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin(tool):
    found = shutil.which(tool)
    if found:
        return found
    for path in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True):
        return path
    raise SystemExit(f"{tool} not found: Scripts/setup --tests installs PostgreSQL")


class PostgresCluster:
    """A PostgreSQL server of our own, on 127.0.0.1 and a free port."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="iq-pg-")
        self.port = free_port()
        as_user = []
        if os.geteuid() == 0:
            # initdb refuses to run as root; the postgres user Debian's package
            # makes owns the cluster (or one made here, where there is none).
            user = "postgres"
            if subprocess.run(["id", user], capture_output=True).returncode != 0:
                user = "iq-postgres"
                subprocess.run(["useradd", "--system", "--no-create-home", user], capture_output=True)
            shutil.chown(self.dir, user)
            as_user = ["runuser", "-u", user, "--"]
        self.as_user = as_user
        data = os.path.join(self.dir, "data")
        subprocess.run(as_user + [postgres_bin("initdb"), "-D", data, "-U", "iq", "--auth=trust",
                                  "--encoding=UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True)
        subprocess.run(as_user + [postgres_bin("pg_ctl"), "-D", data, "-l", os.path.join(self.dir, "log"), "-w",
                                  "-o", f"-p {self.port} -h 127.0.0.1 -k {self.dir}", "start"],
                       check=True, capture_output=True)
        self.data = data
        atexit.register(self.stop)
        self.url = f"postgresql://iq@127.0.0.1:{self.port}/postgres"

    def stop(self):
        if self.data:
            subprocess.run(self.as_user + [postgres_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "stop"],
                           capture_output=True)
            self.data = None
            shutil.rmtree(self.dir, ignore_errors=True)


class Postgres:
    name = "postgres"

    def __init__(self, url=None):
        import psycopg
        self.cluster = None if url else PostgresCluster()
        self.url = url or self.cluster.url
        self.db = psycopg.connect(self.url, autocommit=True)
        self.error = psycopg.Error

    def load(self, script):
        with self.db.cursor() as c:
            c.execute(script)

    def rows(self, sql):
        with self.db.cursor() as c:
            c.execute(sql)
            return [[cell(v) for v in r] for r in c.fetchall()]

    def close(self):
        self.db.close()
        if self.cluster:
            self.cluster.stop()


class Spark:
    name = "spark"

    def __init__(self):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        from pyspark.sql import SparkSession
        from pyspark.errors import PySparkException
        self.dir = tempfile.mkdtemp(prefix="iq-spark-")
        self.spark = (SparkSession.builder.master("local[2]").appName("iq-tests")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.warehouse.dir", os.path.join(self.dir, "warehouse"))
                      .config("spark.driver.memory", "2g")
                      .config("spark.sql.shuffle.partitions", "2")
                      .config("spark.sql.session.timeZone", "UTC")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        self.error = (PySparkException, Exception)

    def load(self, script):
        for s in statements(script):
            self.spark.sql(s)

    def rows(self, sql):
        return [[cell(v) for v in r] for r in self.spark.sql(sql.rstrip().rstrip(";")).collect()]

    def close(self):
        self.spark.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class TSQL:
    """No SQL Server here: T-SQL is compile-only, parsed by sqlglot's T-SQL
    dialect (a statement it can't parse is an error); rows() gives none."""
    name = "tsql"
    compile_only = True

    def __init__(self):
        import sqlglot
        import sqlglot.errors
        self.sqlglot = sqlglot
        self.error = sqlglot.errors.SqlglotError

    def load(self, script):
        for s in statements(script)[:3]:
            self.sqlglot.parse_one(s, read="tsql")

    def rows(self, sql):
        self.sqlglot.parse_one(sql, read="tsql")
        return None

    def close(self):
        pass


DIALECT["tsql"] = "tsql"


def start(name, iq):
    engine = {"sqlite": SQLite, "duckdb": DuckDB, "postgres": Postgres, "spark": Spark, "tsql": TSQL}[name]()
    export = subprocess.run([iq, "--export-dataset", DIALECT[name]], capture_output=True, text=True, check=True)
    t = time.time()
    engine.load(export.stdout)
    engine.load_seconds = time.time() - t
    return engine
