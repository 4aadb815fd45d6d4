"""Kafka Streams' word count (examples/pipelines/streams) on Cairn and on a real Apache Kafka 4.4,
same machine, same run: a release cairnd (its defaults) and a single-node Kafka in KRaft mode
(its defaults) both up the whole time, the app run against each in turn, with at_least_once and
exactly_once_v2, RUNS times.

Each run, on fresh topics (2 partitions each) and a fresh application id:
- throughput: RECORDS lines (1 to 5 words each) loaded into the input first; from the moment the
  app logs RUNNING to the moment a read_committed consumer of the output holds every word's final
  count: input lines per second through the topology (repartition topic, state store, changelog);
- latency: then lines produced at RATE a second for SECONDS; each output record carries its input
  line's producer timestamp (Streams keeps it), so its latency is the moment the consumer sees it
  less that timestamp: p50 and p99 over the phase's outputs.

Usage: streams.py CAIRND RECORDS RUNS RATE SECONDS   (bench/pipelines/streams.sh runs it)
Environment: CAIRN_FLAGS (more cairnd flags), STREAMS_OUT and KAFKA_LIB (build folders).
"""
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from cairnd import Cairnd  # noqa: E402
from jvm import Process, copy_jars, wait_for  # noqa: E402
from kafka_broker import POM as KAFKA_POM, KafkaBroker  # noqa: E402

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

RUN = os.path.join(ROOT, "examples", "pipelines", "streams", "run.sh")
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]


def line(i):
    return " ".join(WORDS[(i + j) % len(WORDS)] for j in range(i % 5 + 1))


def add_words(counts, first, count):
    for i in range(first, first + count):
        for w in line(i).split():
            counts[w] = counts.get(w, 0) + 1


class Output:
    """A read_committed reader of the output topic's two partitions from their start: the last
    count of each word, and the latency of the outputs stamped at or after `since_ms`."""

    def __init__(self, bootstrap, topic):
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-reader",
                                  "isolation.level": "read_committed",
                                  "enable.auto.commit": False, "fetch.wait.max.ms": 100})
        self.consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in (0, 1)])
        self.counts, self.latencies, self.since_ms = {}, [], None

    def read_until(self, expected, timeout):
        deadline = time.time() + timeout
        while self.counts != expected and time.time() < deadline:
            for m in self.consumer.consume(10000, 0.05):
                if m.error():
                    continue
                self.counts[m.key().decode()] = int(m.value())
                if self.since_ms is not None:
                    stamp = m.timestamp()[1]
                    if stamp >= self.since_ms:
                        self.latencies.append(time.time() * 1000 - stamp)
        return self.counts == expected

    def close(self):
        self.consumer.close()


def produce(bootstrap, topic, first, count, rate=None):
    """Lines first.. into topic; at `rate` a second if given, else as fast as the producer goes."""
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 1 if rate else 20})
    started = time.time()
    for i in range(first, first + count):
        if rate:
            wait = started + (i - first) / rate - time.time()
            if wait > 0:
                time.sleep(wait)
        while True:
            try:
                p.produce(topic, key=str(i), value=line(i))
                break
            except BufferError:
                p.poll(0.01)
        p.poll(0)
    p.flush(60)


def one_run(scratch, name, bootstrap, guarantee, tag, records, rate, seconds):
    inp, out, app_id = f"in-{tag}", f"out-{tag}", f"wc-{tag}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(inp, 2, 1), NewTopic(out, 2, 1)]).values():
        f.result(30)
    expected = {}
    add_words(expected, 0, records)
    produce(bootstrap, inp, 0, records)
    reader = Output(bootstrap, out)
    load = os.getloadavg()[0]
    app = Process(scratch, f"streams-{tag}", [RUN, bootstrap, inp, out,
                                              os.path.join(scratch, f"state-{tag}"), guarantee,
                                              app_id])
    try:
        def running():
            with open(app.log_path) as f:
                return re.search(r"-> RUNNING", f.read()) is not None
        wait_for(f"{name} {guarantee} to run", running, 120)
        started = time.time()
        if not reader.read_until(expected, 600):
            raise AssertionError(f"{name} {guarantee}: the counts never came out right\n"
                                 + app.tail())
        throughput = records / (time.time() - started)

        reader.since_ms = time.time() * 1000
        count = int(rate * seconds)
        add_words(expected, records, count)
        producer = threading.Thread(target=produce, args=(bootstrap, inp, records, count, rate))
        producer.start()  # the reader reads meanwhile
        done = reader.read_until(expected, seconds + 60)
        producer.join()
        if not done:
            raise AssertionError(f"{name} {guarantee}: the latency phase's counts never came "
                                 "out right\n" + app.tail())
    finally:
        app.stop()
        reader.close()
    lat = sorted(reader.latencies)
    p50, p99 = lat[len(lat) // 2], lat[min(len(lat) - 1, len(lat) * 99 // 100)]
    load = max(load, os.getloadavg()[0])
    print(f"  {name:6} {guarantee:16} {throughput:10,.0f} lines/s   p50 {p50:7.1f} ms   "
          f"p99 {p99:7.1f} ms   ({len(lat):,} outputs; load {load:.2f})", flush=True)
    return throughput, p50, p99


def main():
    cairnd_path, records, runs, rate, seconds = sys.argv[1], int(sys.argv[2]), int(
        sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    scratch = tempfile.mkdtemp(prefix="cairn-bench-streams-")
    kafka_lib = os.environ.get("KAFKA_LIB", os.path.join(scratch, "kafka-lib"))
    if not copy_jars(KAFKA_POM, kafka_lib):
        sys.exit("the Kafka jars are not in ~/.m2 (tools/install-deps.sh fetches them)")
    cairn_cli = os.path.join(os.path.dirname(cairnd_path), "cairn")
    flags = os.environ.get("CAIRN_FLAGS", "").split()
    cairnd = Cairnd(cairnd_path, cairn_cli, *flags)
    kafka = KafkaBroker(scratch, kafka_lib)
    results = {}
    try:
        print(f"{records:,} lines loaded, then {rate:,.0f} lines/s for {seconds:.0f} s; "
              f"{runs} runs; load average at start {os.getloadavg()}", flush=True)
        for run in range(runs):
            for guarantee in ("at_least_once", "exactly_once_v2"):
                for name, bootstrap in (("cairn", cairnd.kafka), ("kafka", kafka.bootstrap)):
                    tag = f"{name}-{guarantee}-{run}".replace("_", "-")
                    results.setdefault((name, guarantee), []).append(
                        one_run(scratch, name, bootstrap, guarantee, tag, records, rate,
                                seconds))
    finally:
        kafka.stop()
        cairnd.stop()
    print(f"\nmedians of {runs} (load average at end {os.getloadavg()}):")
    print("| broker | guarantee | throughput (lines/s) | p50 latency (ms) | p99 latency (ms) |")
    print("|---|---|---|---|---|")
    for (name, guarantee), rows in results.items():
        t, p50, p99 = (statistics.median(r[i] for r in rows) for i in range(3))
        print(f"| {name} | {guarantee} | {t:,.0f} | {p50:.0f} | {p99:.0f} |")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
