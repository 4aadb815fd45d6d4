"""Paced librdkafka producer for bench/kafka_latency.sh.

kafka_latency.py BOOTSTRAP TOPIC RATE SECS: RATE messages/s of 100 B for SECS seconds through
confluent-kafka (librdkafka) with linger.ms=0 and acks=all. Messages are released on a 200 us
grid, like `cairn perf produce --rate`, and each one's latency runs from its grid point to its
delivery report. Prints one line: "n N p50 X p90 Y p99 Z us".
"""
import sys
import time

from confluent_kafka import Producer

TICK = 0.0002


def main():
    bootstrap, topic, rate, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, "acks": "all"})
    payload = b"x" * 100
    latencies = []

    def delivered(err, _msg, released):
        if err is None:
            latencies.append(time.perf_counter() - released)

    producer.produce(topic, payload)  # connects and learns the metadata before the clock starts
    producer.flush()
    count = int(rate * secs)
    start = time.perf_counter() + 0.2
    i = 0
    while i < count:
        now = time.perf_counter()
        while i < count and start + i / rate <= now:
            ticks = int((i / rate) / TICK + 0.999999)  # the first grid point at or after it
            released = start + ticks * TICK
            producer.produce(topic, payload,
                             on_delivery=lambda e, m, r=released: delivered(e, m, r))
            i += 1
        producer.poll(0)
        next_tick = start + (int((now - start) / TICK) + 1) * TICK
        pause = next_tick - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    producer.flush()
    if not latencies:
        sys.exit("no message was delivered")
    latencies.sort()

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e6

    print(f"n {len(latencies)} p50 {quantile(0.5):.0f} p90 {quantile(0.9):.0f} "
          f"p99 {quantile(0.99):.0f} us")


if __name__ == "__main__":
    main()
