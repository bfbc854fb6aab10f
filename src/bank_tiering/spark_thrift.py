"""A local Spark Thrift Server from the pinned pyspark (README "Apache Spark", §5).

pyspark ships the Thrift server's jars and ``bin/spark-submit`` but not
``sbin/start-thriftserver.sh``; :func:`thrift_server` starts
``HiveThriftServer2`` with ``spark-submit`` bound to 127.0.0.1, in its own process
group, waits until it answers a query through PyHive (what dbt-spark's ``thrift`` method
uses), and stops the whole group (the launcher and its JVM) on exit, whatever happens.

Run it in the foreground (Ctrl-C stops it)::

    .venv/bin/python -m bank_tiering.spark_thrift --port 10000 --warehouse /abs/spark-warehouse

then build through it with ``BANK_TIERING_TARGET=spark BANK_TIERING_SPARK_METHOD=thrift
BANK_TIERING_SPARK_PORT=10000``.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

#: The settings a session build gets from the profile (profiles/profiles.yml), given to
#: the server at start: through Thrift a client cannot change the JVM's memory or static
#: settings.
SERVER_CONF = {
    "spark.sql.constraintPropagation.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.hadoop.hive.server2.thrift.bind.host": "127.0.0.1",
}


def spark_home() -> Path:
    """The pinned pyspark package folder (it holds bin/spark-submit and the jars)."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    from pyhive import hive

    try:
        with hive.connect(host="127.0.0.1", port=port, auth="NONE", username="bank_tiering") as con:
            cursor = con.cursor()
            cursor.execute("select 1")
            return cursor.fetchall() == [(1,)]
    except Exception:  # noqa: BLE001 - not up yet: connection refused, transport errors
        return False


@contextmanager
def thrift_server(port: int, warehouse: Path, *, master: str = "local[2]",
                  driver_memory: str = "4g", log_file: Path | None = None,
                  timeout: float = 180.0) -> Iterator[subprocess.Popen]:
    """Start a Spark Thrift Server on 127.0.0.1:``port`` writing under ``warehouse``
    (its Derby metastore beside the tables); stop it (process group) on exit."""
    warehouse.mkdir(parents=True, exist_ok=True)
    conf = {
        **SERVER_CONF,
        "spark.hadoop.hive.server2.thrift.port": str(port),
        "spark.sql.warehouse.dir": str(warehouse),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={warehouse}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse}",
    }
    home = spark_home()
    command = [str(home / "bin" / "spark-submit"), "--class",
               "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
               "--master", master, "--driver-memory", driver_memory]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    command.append("spark-internal")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1"}
    output = open(log_file or warehouse / "thrift-server.log", "ab")  # noqa: SIM115
    log.info("starting the Spark Thrift Server on 127.0.0.1:%d (log %s)", port, output.name)
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT,
                               cwd=warehouse, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(port):
            if process.poll() is not None:
                raise RuntimeError(f"the Spark Thrift Server exited ({process.returncode}); "
                                   f"see {output.name}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the Spark Thrift Server did not answer in {timeout:.0f} s; "
                                   f"see {output.name}")
            time.sleep(2)
        log.info("Spark Thrift Server up on 127.0.0.1:%d", port)
        yield process
    finally:
        _stop(process)
        output.close()


def _stop(process: subprocess.Popen, grace: float = 30.0) -> None:
    """SIGTERM to the server's process group, SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--warehouse", type=Path, default=Path("spark-warehouse"))
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with thrift_server(args.port, args.warehouse.resolve(), master=args.master,
                       driver_memory=args.driver_memory):
        print(f"Spark Thrift Server on 127.0.0.1:{args.port}; Ctrl-C stops it.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
