"""A real Apache Kafka 4.4 broker of the test's (or benchmark's) own: broker and controller in one
JVM (KRaft, one node) on two free loopback ports, from the jars of bench/peers/kafka/pom.xml
(copied out of ~/.m2 by jvm.copy_jars), stopped by PID."""
import os
import subprocess

from jvm import Process, free_port, wait_for

try:
    from confluent_kafka.admin import AdminClient
except ImportError:  # the callers report it
    AdminClient = None

POM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "peers",
                   "kafka", "pom.xml")


class KafkaBroker(Process):
    """Kafka in DIRECTORY/kafka (its log in DIRECTORY/kafka.log), jars from LIB; `bootstrap` is
    its address once started."""

    def __init__(self, directory, lib):
        self.port, controller = free_port(), free_port()
        self.dir = os.path.join(directory, "kafka")
        os.makedirs(self.dir)
        config = os.path.join(self.dir, "server.properties")
        with open(config, "w") as f:
            f.write("\n".join([
                "process.roles=broker,controller", "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{controller}",
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{controller}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                f"log.dirs={self.dir}/logs", "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0", ""]))
        java = ["java", "-Xmx512m", "-cp", os.path.join(lib, "*")]
        cluster = subprocess.run(java + ["kafka.tools.StorageTool", "random-uuid"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run(java + ["kafka.tools.StorageTool", "format", "-t", cluster, "-c", config],
                       capture_output=True, check=True)
        super().__init__(directory, "kafka", java + ["kafka.Kafka", config])
        self.bootstrap = f"127.0.0.1:{self.port}"

        def ready():
            try:
                AdminClient({"bootstrap.servers": self.bootstrap,
                             "log_level": 0}).list_topics(timeout=2)
                return True
            except Exception:
                return False
        wait_for("Kafka to start", ready, 120)
