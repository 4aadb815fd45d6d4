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
    from confluent_kafka.admin import AdminClient, NewTopic
except ImportError:
    print("confluent_kafka is not installed (tools/install-deps.sh installs it)")
    sys.exit(77)

CAIRND, CAIRN = sys.argv[1], sys.argv[2]
PASSWORDS = {"alice": "alice-secret", "admin": "admin-secret"}


def make_certificates(directory):
    """A CA and a certificate for 127.0.0.1 signed by it, made with openssl; returns the paths
    of the CA, the certificate and its key."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Test CA")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", "server.ext", "-out", "server.pem")
    return [os.path.join(directory, name) for name in ["ca.pem", "server.pem", "server.key"]]


class Broker:
    def __init__(self, tls=False):
        self.dir = tempfile.mkdtemp(prefix="cairn-kafka-sasl-")
        data = os.path.join(self.dir, "data")
        self.ca = None
        tls_args = []
        if tls:
            self.ca, cert, key = make_certificates(self.dir)
            tls_args = ["--tls-cert", cert, "--tls-key", key]
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
             "--super-users", "User:admin", *tls_args],
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
        config = {"bootstrap.servers": self.kafka, "security.protocol": "SASL_PLAINTEXT",
                  "sasl.mechanism": mechanism, "sasl.username": user,
                  "sasl.password": password if password is not None else PASSWORDS[user]}
        if self.ca:
            config.update({"security.protocol": "SASL_SSL", "ssl.ca.location": self.ca})
        return config

    def create_topics(self, topics):
        admin = AdminClient(self.config("admin"))
        for topic, future in admin.create_topics([NewTopic(t, 1, 1) for t in topics]).items():
            future.result(30)

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
        cls.broker.create_topics(["allowed", "secret"])

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


class ConfluentKafkaSaslSsl(unittest.TestCase):
    """The same listener with --tls-cert: Kafka's SASL_SSL."""

    @classmethod
    def setUpClass(cls):
        cls.broker = Broker(tls=True)
        cls.broker.create_topics(["allowed"])

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()

    def test_a_user_logs_in_over_tls_and_produces_and_consumes(self):
        config = self.broker.config("alice", "SCRAM-SHA-512")
        p = Producer(config)
        errors = []
        for i in range(10):
            p.produce("allowed", f"tls-{i}".encode(),
                      on_delivery=lambda e, m: errors.append(e) if e else None)
        self.assertEqual(p.flush(60), 0)
        self.assertEqual(errors, [])
        c = Consumer({**config, "group.id": "alice-tls", "auto.offset.reset": "earliest"})
        c.subscribe(["allowed"])
        got = []
        deadline = time.time() + 60
        while len(got) < 10 and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and m.error() is None:
                got.append(m.value().decode())
        c.close()
        self.assertEqual(sorted(got), sorted(f"tls-{i}" for i in range(10)))

    def test_a_sasl_plaintext_client_at_the_tls_port_does_not_connect(self):
        errors = []
        config = {**self.broker.config("alice"), "security.protocol": "SASL_PLAINTEXT",
                  "error_cb": errors.append}
        p = Producer(config)
        deadline = time.time() + 30
        while not errors and time.time() < deadline:
            p.poll(0.2)
        self.assertTrue(errors, "a plaintext client was served on the TLS port")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
