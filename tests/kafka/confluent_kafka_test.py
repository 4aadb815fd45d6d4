"""The Kafka listener against confluent-kafka (librdkafka): an idempotent producer with each
codec, records crossing to `cairn consume` unchanged, and a group of two consumers rebalancing
whose commits `cairn groups describe` shows, and a transactional producer (commit, abort, offsets
committed in a transaction). Starts its own cairnd on ephemeral ports.

Usage: confluent_kafka_test.py CAIRND CAIRN  (exit 77, skipped, when confluent_kafka is missing)
"""
import json
import os
import sys
import time
import unittest

try:
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic
    from confluent_kafka import KafkaException
except ImportError:
    print("confluent_kafka is not installed (tools/install-deps.sh installs it)")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cairnd import Cairnd  # noqa: E402

CAIRND, CAIRN = sys.argv[1], sys.argv[2]


class ConfluentKafka(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Cairnd(CAIRND, CAIRN, "--log-level", "debug")

    @classmethod
    def tearDownClass(cls):
        print("versions called: " + ", ".join(cls.broker.versions_called()))
        cls.broker.stop()

    def create(self, topic, partitions):
        admin = AdminClient({"bootstrap.servers": self.broker.kafka})
        for future in admin.create_topics([NewTopic(topic, partitions, 1)]).values():
            future.result(30)

    def produce(self, topic, records, **config):
        p = Producer({"bootstrap.servers": self.broker.kafka, **config})
        failures = []
        for r in records:
            p.produce(topic, on_delivery=lambda e, m: failures.append(e) if e else None, **r)
        self.assertEqual(p.flush(60), 0)
        self.assertEqual(failures, [])

    def test_an_idempotent_producer_with_each_codec_is_read_back_by_both_protocols(self):
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
            with self.subTest(codec=codec):
                topic = "idem-" + codec
                self.create(topic, 3)
                values = [f"{codec}-{i}" for i in range(2000)]
                self.produce(topic, [{"key": v.encode(), "value": v.encode()} for v in values],
                             **{"enable.idempotence": True, "compression.type": codec,
                                "linger.ms": 5})
                out = self.broker.cairn("consume", topic, "-o", "beginning", "-e", "-f",
                                        "{value}")
                self.assertEqual(sorted(out.split()), sorted(values))
                c = Consumer({"bootstrap.servers": self.broker.kafka, "group.id": "read-" + codec,
                              "auto.offset.reset": "earliest", "enable.auto.commit": False})
                c.subscribe([topic])
                got = []
                deadline = time.time() + 60
                while len(got) < len(values) and time.time() < deadline:
                    m = c.poll(0.5)
                    if m is not None and m.error() is None:
                        got.append(m.value().decode())
                c.close()
                self.assertEqual(sorted(got), sorted(values))

    def test_keys_values_headers_and_timestamps_cross_to_cairn_consume_unchanged(self):
        self.create("cross", 1)
        records = [{"key": b"k1", "value": b"v1", "headers": [("a", b"1"), ("b", b"2")],
                    "timestamp": 1700000000123},
                   {"key": None, "value": b"v2", "timestamp": 1700000000456}]
        self.produce("cross", records)
        lines = self.broker.cairn("consume", "cross", "-o", "beginning", "-e", "-f",
                                  "json").splitlines()
        got = [json.loads(line) for line in lines]
        self.assertEqual([g["value"] for g in got], ["v1", "v2"])
        self.assertEqual(got[0]["key"], "k1")
        self.assertIsNone(got[1]["key"])
        self.assertEqual([g["timestamp"] for g in got], [1700000000123, 1700000000456])
        self.assertEqual(got[0]["headers"], [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])

    def test_the_admin_client_sees_one_broker_and_the_groups_with_their_members(self):
        admin = AdminClient({"bootstrap.servers": self.broker.kafka})
        cluster = admin.describe_cluster().result(30)
        self.assertEqual(cluster.cluster_id, "cairn")
        self.assertEqual([(n.id, f"{n.host}:{n.port}") for n in cluster.nodes],
                         [(0, self.broker.kafka)])
        self.create("watched", 2)
        c = Consumer({"bootstrap.servers": self.broker.kafka, "group.id": "watchers",
                      "client.id": "watcher-1"})
        c.subscribe(["watched"])
        deadline = time.time() + 60
        while not c.assignment() and time.time() < deadline:
            c.poll(0.2)
        listed = admin.list_consumer_groups().result(30)
        self.assertIn("watchers", [g.group_id for g in listed.valid])
        described = admin.describe_consumer_groups(["watchers"])["watchers"].result(30)
        self.assertEqual([m.client_id for m in described.members], ["watcher-1"])
        self.assertEqual(sorted(tp.partition for tp in described.members[0].assignment.topic_partitions),
                         [0, 1])
        c.close()

    def test_two_group_members_rebalance_and_their_commits_show_in_cairn_groups_describe(self):
        self.create("grouped", 4)
        self.produce("grouped", [{"value": f"r{i}".encode(), "partition": i % 4}
                                 for i in range(40)])

        def member():
            c = Consumer({"bootstrap.servers": self.broker.kafka, "group.id": "pair",
                          "auto.offset.reset": "earliest", "enable.auto.commit": False,
                          "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})
            c.subscribe(["grouped"])
            return c

        seen = set()  # values the members read

        def poll_until(members, done, limit=60):
            deadline = time.time() + limit
            while time.time() < deadline:
                for m in members:
                    msg = m.poll(0.2)
                    if msg is not None and msg.error() is None:
                        seen.add(msg.value())
                if done():
                    return True
            return False

        def owned(c):
            return sorted(tp.partition for tp in c.assignment())

        a = member()
        self.assertTrue(poll_until([a], lambda: owned(a) == [0, 1, 2, 3]), owned(a))
        b = member()
        self.assertTrue(poll_until([a, b], lambda: len(owned(a)) == 2 and len(owned(b)) == 2),
                        (owned(a), owned(b)))
        self.assertEqual(sorted(owned(a) + owned(b)), [0, 1, 2, 3])
        b.close()
        # Nothing is committed yet, so the reassigned member reads every partition from the start;
        # it has read them all once its position is at the end of each (what it read under the
        # generation before may already be in `seen`).
        seen.clear()

        def at_ends(c):
            ends = c.position([TopicPartition("grouped", p) for p in range(4)])
            return all(tp.offset == 10 for tp in ends)

        self.assertTrue(poll_until([a], lambda: owned(a) == [0, 1, 2, 3] and len(seen) == 40
                                   and at_ends(a)), (owned(a), len(seen)))
        a.commit(asynchronous=False)
        describe = self.broker.cairn("groups", "describe", "pair")
        committed = {}
        for line in describe.splitlines():
            cols = line.split()
            if len(cols) >= 3 and cols[0] == "grouped":
                committed[int(cols[1])] = cols[2]
        self.assertEqual(committed, {0: "10", 1: "10", 2: "10", 3: "10"}, describe)
        a.close()


    def test_alter_configs_replaces_a_topics_settings_and_describe_configs_shows_them(self):
        self.create("cfk-configs", 1)
        admin = AdminClient({"bootstrap.servers": self.broker.kafka})
        resource = ConfigResource("topic", "cfk-configs")

        def describe():
            return {name: entry.value for name, entry in
                    admin.describe_configs([resource])[resource].result(30).items()}

        self.assertEqual(describe()["cleanup.policy"], "delete")
        resource.set_config("retention.ms", "7200000")
        resource.set_config("cleanup.policy", "compact")
        admin.alter_configs([resource])[resource].result(30)
        self.assertEqual(describe()["retention.ms"], "7200000")
        self.assertEqual(describe()["cleanup.policy"], "compact")
        # AlterConfigs replaces the whole set: what it does not name returns to the default.
        again = ConfigResource("topic", "cfk-configs", set_config={"retention.ms": "60000"})
        admin.alter_configs([again])[again].result(30)
        self.assertEqual(describe()["retention.ms"], "60000")
        self.assertEqual(describe()["cleanup.policy"], "delete")

    def test_create_partitions_grows_a_topic_that_then_takes_records_in_its_new_partitions(self):
        self.create("cfk-grow", 2)
        admin = AdminClient({"bootstrap.servers": self.broker.kafka})
        # Not more than it has: INVALID_PARTITIONS, nothing changes.
        with self.assertRaises(KafkaException) as refused:
            admin.create_partitions([NewPartitions("cfk-grow", 2)])["cfk-grow"].result(30)
        self.assertEqual(refused.exception.args[0].name(), "INVALID_PARTITIONS")
        admin.create_partitions([NewPartitions("cfk-grow", 5)], validate_only=True)[
            "cfk-grow"].result(30)
        self.assertIn("cfk-grow: 2 partitions", self.broker.cairn("topics", "describe", "cfk-grow"))
        admin.create_partitions([NewPartitions("cfk-grow", 5)])["cfk-grow"].result(30)
        self.assertIn("cfk-grow: 5 partitions", self.broker.cairn("topics", "describe", "cfk-grow"))
        # Every topic (librdkafka's Metadata request for all topics has a quirk the broker takes).
        metadata = admin.list_topics(timeout=30)
        self.assertEqual(sorted(metadata.topics["cfk-grow"].partitions), [0, 1, 2, 3, 4])
        self.produce("cfk-grow", [{"value": b"in-four", "partition": 4}])
        out = self.broker.cairn("consume", "cfk-grow", "-p", "4", "-e")
        self.assertEqual(out.splitlines(), ["in-four"])

    def test_delete_records_moves_the_log_start_which_both_protocols_then_read_from(self):
        self.create("cfk-trim", 1)
        self.produce("cfk-trim", [{"value": f"r{i}".encode()} for i in range(10)])
        admin = AdminClient({"bootstrap.servers": self.broker.kafka})
        done = admin.delete_records([TopicPartition("cfk-trim", 0, 6)])
        self.assertEqual(list(done.values())[0].result(30).low_watermark, 6)
        c = Consumer({"bootstrap.servers": self.broker.kafka, "group.id": "trim-readers",
                      "auto.offset.reset": "earliest"})
        low, high = c.get_watermark_offsets(TopicPartition("cfk-trim", 0), timeout=30)
        self.assertEqual((low, high), (6, 10))
        c.close()
        out = self.broker.cairn("consume", "cfk-trim", "-e", "-f", "{offset} {value}")
        self.assertEqual(out.splitlines()[0], "6 r6")
        # Past the high watermark: OFFSET_OUT_OF_RANGE; -1: everything.
        with self.assertRaises(KafkaException) as refused:
            list(admin.delete_records([TopicPartition("cfk-trim", 0, 11)]).values())[0].result(30)
        self.assertEqual(refused.exception.args[0].name(), "OFFSET_OUT_OF_RANGE")
        everything = admin.delete_records([TopicPartition("cfk-trim", 0, -1)])
        self.assertEqual(list(everything.values())[0].result(30).low_watermark, 10)

    def test_a_transactional_producer_commits_and_aborts_and_read_committed_sees_the_commits(self):
        self.create("cfk-txn", 2)
        p = Producer({"bootstrap.servers": self.broker.kafka, "transactional.id": "cfk-txn"})
        p.init_transactions(30)
        p.begin_transaction()
        for i in range(10):
            p.produce("cfk-txn", key=f"k{i}".encode(), value=f"committed-{i}".encode())
        p.commit_transaction(30)
        p.begin_transaction()
        for i in range(5):
            p.produce("cfk-txn", value=f"aborted-{i}".encode())
        p.flush(30)
        p.abort_transaction(30)
        committed = self.broker.cairn("consume", "cfk-txn", "-o", "beginning", "-e",
                                      "--isolation", "read_committed", "-f", "{value}").split()
        self.assertEqual(sorted(committed), sorted(f"committed-{i}" for i in range(10)))
        everything = self.broker.cairn("consume", "cfk-txn", "-o", "beginning", "-e",
                                       "-f", "{value}").split()
        self.assertEqual(len(everything), 15)
        c = Consumer({"bootstrap.servers": self.broker.kafka, "group.id": "cfk-txn-readers",
                      "auto.offset.reset": "earliest", "isolation.level": "read_committed"})
        c.subscribe(["cfk-txn"])
        got = []
        deadline = time.time() + 60
        while len(got) < 10 and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and m.error() is None:
                got.append(m.value().decode())
        c.close()
        self.assertEqual(sorted(got), sorted(f"committed-{i}" for i in range(10)))

    def test_a_transaction_commits_a_groups_offsets_with_its_records(self):
        self.create("cfk-ctp-in", 1)
        self.create("cfk-ctp-out", 1)
        self.produce("cfk-ctp-in", [{"value": f"v{i}".encode()} for i in range(8)])
        c = Consumer({"bootstrap.servers": self.broker.kafka, "group.id": "cfk-ctp",
                      "auto.offset.reset": "earliest", "enable.auto.commit": False,
                      "isolation.level": "read_committed"})
        c.subscribe(["cfk-ctp-in"])
        p = Producer({"bootstrap.servers": self.broker.kafka, "transactional.id": "cfk-ctp"})
        p.init_transactions(30)
        copied = 0
        deadline = time.time() + 60
        while copied < 8 and time.time() < deadline:
            msgs = [m for m in c.consume(8, 0.5) if m.error() is None]
            if not msgs:
                continue
            p.begin_transaction()
            for m in msgs:
                p.produce("cfk-ctp-out", value=m.value().upper())
            copied += len(msgs)
            p.send_offsets_to_transaction(c.position(c.assignment()),
                                          c.consumer_group_metadata(), 30)
            p.commit_transaction(30)
        self.assertEqual(copied, 8)
        committed = c.committed([TopicPartition("cfk-ctp-in", 0)], timeout=30)
        self.assertEqual(committed[0].offset, 8)
        c.close()
        out = self.broker.cairn("consume", "cfk-ctp-out", "-o", "beginning", "-e",
                                "--isolation", "read_committed", "-f", "{value}").split()
        self.assertEqual(sorted(out), sorted(f"V{i}" for i in range(8)))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
