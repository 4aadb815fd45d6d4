"""The Kafka listener with SASL SCRAM and the authorizer on, against confluent-kafka (librdkafka):
users log in with SCRAM-SHA-256 and SCRAM-SHA-512 and produce and consume; a wrong password is an
authentication error; ACLs allow one topic and refuse another (TOPIC_AUTHORIZATION_FAILED); an
unauthenticated connection is served ApiVersions and nothing else. Starts its own cairnd on
ephemeral ports, its users and bindings made offline by `cairn users add` / `cairn acl add`.

Usage: confluent_kafka_security_test.py CAIRND CAIRN  (exit 77, skipped, when confluent_kafka
is missing)
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

try:
    from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
    from confluent_kafka.admin import AdminClient
except ImportError:
    print("confluent_kafka is not installed (tools/install-deps.sh installs it)")
    sys.exit(77)

CAIRND, CAIRN = sys.argv[1], sys.argv[2]
PASSWORDS = {"alice": "alice-secret", "admin": "admin-secret"}


class Broker:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cairn-kafka-sasl-")
        data = os.path.join(self.dir, "data")
        for user, password in PASSWORDS.items():
            path = os.path.join(self.dir, user + ".pw")
            with open(path, "w") as f:
                f.write(password + "\n")
            self.offline("users", "add", user, "--password-file", path, "--data-dir", data)
        for grant in [["--operation", "read,write,describe", "--topic", "allowed"],
                      ["--operation", "read", "--group", "alice-"]]:
            prefix = ["--prefix"] if grant[-1].endswith("-") else []
            self.offline("acl", "add", "--principal", "User:alice", *grant, *prefix,
                         "--data-dir", data)
        self.log_path = os.path.join(self.dir, "cairnd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [CAIRND, "--listen", "127.0.0.1:0", "--kafka-listen", "127.0.0.1:0", "--http-listen",
             "", "--data-dir", data, "--group-rebalance-delay-ms", "100",
             "--sasl-mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512", "--authorizer", "on",
             "--super-users", "User:admin"],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log_path) as f:
                text = f.read()
            kafka = re.search(r"kafka listener on (127\.0\.0\.1:\d+)", text)
            if kafka and "serving on" in text:
                self.kafka = kafka.group(1)
                return
            if self.proc.poll() is not None:
                raise RuntimeError("cairnd exited:\n" + text)
            time.sleep(0.05)
        raise RuntimeError("cairnd did not start")

    def offline(self, *args):
        r = subprocess.run([CAIRN, *args], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"cairn {args} failed: {r.stderr}")

    def config(self, user, mechanism="SCRAM-SHA-256", password=None):
        return {"bootstrap.servers": self.kafka, "security.protocol": "SASL_PLAINTEXT",
                "sasl.mechanism": mechanism, "sasl.username": user,
                "sasl.password": password if password is not None else PASSWORDS[user]}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def kafka_frame(key, version, body=b""):
    header = struct.pack(">hhih", key, version, 7, -1)  # null client id
    return struct.pack(">i", len(header) + len(body)) + header + body


def read_frame(sock):
    def exactly(n):
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                return None
            out += chunk
        return out
    size = exactly(4)
    return None if size is None else exactly(struct.unpack(">i", size)[0])


class ConfluentKafkaSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Broker()
        admin = AdminClient(cls.broker.config("admin"))
        from confluent_kafka.admin import NewTopic
        for topic in ["allowed", "secret"]:
            admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()

    def produce(self, config, topic, values):
        p = Producer({**config, "linger.ms": 5})
        errors = []
        for v in values:
            p.produce(topic, v.encode(), on_delivery=lambda e, m: errors.append(e) if e else None)
        self.assertEqual(p.flush(60), 0)
        return errors

    def consume(self, config, topic, group, wanted):
        """Reads `topic` from the start until every value in `wanted` is read, or an error."""
        c = Consumer({**config, "group.id": group, "auto.offset.reset": "earliest"})
        c.subscribe([topic])
        got, errors = [], []
        deadline = time.time() + 60
        while not set(wanted) <= set(got) and not errors and time.time() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                errors.append(m.error())
            else:
                got.append(m.value().decode())
        c.close()
        return got, errors

    def test_users_log_in_with_scram_sha_256_and_512_and_produce_and_consume(self):
        for mechanism in ["SCRAM-SHA-256", "SCRAM-SHA-512"]:
            with self.subTest(mechanism=mechanism):
                config = self.broker.config("alice", mechanism)
                values = [f"{mechanism}-{i}" for i in range(100)]
                self.assertEqual(self.produce(config, "allowed", values), [])
                got, errors = self.consume(config, "allowed", "alice-" + mechanism, values)
                self.assertEqual(errors, [])
                self.assertTrue(set(values) <= set(got), got)

    def test_a_wrong_password_is_an_authentication_error(self):
        errors = []
        p = Producer({**self.broker.config("alice", password="wrong"),
                      "error_cb": errors.append})
        deadline = time.time() + 30
        while not errors and time.time() < deadline:
            p.poll(0.2)
        self.assertTrue(errors, "no error with a wrong password")
        self.assertEqual(errors[0].code(), KafkaError._AUTHENTICATION, errors[0])
        with open(self.broker.log_path) as f:
            self.assertIn("kafka SASL authentication failed", f.read())

    def test_an_acl_allows_one_topic_and_refuses_another_with_topic_authorization_failed(self):
        config = self.broker.config("alice")
        self.assertEqual(self.produce(self.broker.config("admin"), "secret", ["s"]), [])
        got, errors = self.consume(config, "secret", "alice-secret-reader", ["s"])
        self.assertEqual(got, [])
        self.assertTrue(errors, "no error consuming an unauthorized topic")
        self.assertEqual(errors[0].code(), KafkaError.TOPIC_AUTHORIZATION_FAILED, errors[0])
        errors = self.produce({**config, "message.timeout.ms": 10000}, "secret", ["x"])
        self.assertEqual([e.code() for e in errors], [KafkaError.TOPIC_AUTHORIZATION_FAILED])
        self.assertEqual(self.produce(config, "allowed", ["a"]), [])

    def test_an_unauthenticated_connection_gets_api_versions_and_is_closed_on_anything_else(self):
        host, port = self.broker.kafka.split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(kafka_frame(18, 0))  # ApiVersions v0
            response = read_frame(s)
            self.assertIsNotNone(response)
            self.assertEqual(struct.unpack(">h", response[4:6])[0], 0)  # no error
            s.sendall(kafka_frame(3, 0, struct.pack(">i", -1)))  # Metadata v0 of every topic
            self.assertIsNone(read_frame(s))  # closed without an answer

    def test_sasl_handshake_v0_is_refused_with_unsupported_version(self):
        host, port = self.broker.kafka.split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            mechanism = b"SCRAM-SHA-256"
            s.sendall(kafka_frame(17, 0, struct.pack(">h", len(mechanism)) + mechanism))
            response = read_frame(s)
            self.assertIsNotNone(response)
            self.assertEqual(struct.unpack(">h", response[4:6])[0], 35)  # UNSUPPORTED_VERSION
            self.assertIsNone(read_frame(s))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
