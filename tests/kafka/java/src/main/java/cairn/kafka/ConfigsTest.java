package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Apache Kafka's AdminClient describing and altering topic configurations on cairnd, with
 * Kafka's names, and describing the broker's read-only set.
 *
 * <p>Usage: ConfigsTest CAIRND
 */
public final class ConfigsTest {
  static Config describe(Admin admin, ConfigResource r) throws Exception {
    return admin.describeConfigs(List.of(r)).all().get().get(r);
  }

  static void alter(Admin admin, ConfigResource r, AlterConfigOp... ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(r, List.of(ops))).all().get();
  }

  static AlterConfigOp op(String name, String value, AlterConfigOp.OpType type) {
    return new AlterConfigOp(new ConfigEntry(name, value), type);
  }

  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0]); Admin admin = Clients.admin(broker.kafka())) {
      Clients.createTopic(broker.kafka(), "configs", 2);
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "configs");
      checks.test("ANewTopicDescribesItsSettingsUnderKafkaNamesAsDefaults", () -> {
        Config c = describe(admin, topic);
        for (String name : List.of("retention.ms", "retention.bytes", "segment.bytes",
            "cleanup.policy", "compression.type", "min.compaction.lag.ms", "delete.retention.ms",
            "min.cleanable.dirty.ratio")) {
          ConfigEntry e = c.get(name);
          check(e != null, name + " described");
          equal(ConfigEntry.ConfigSource.DEFAULT_CONFIG, e.source(), name + " source");
          check(!e.isReadOnly(), name + " is writable");
        }
        equal("delete", c.get("cleanup.policy").value(), "cleanup.policy");
      });
      checks.test("IncrementalAlterConfigsSetsAndDeletesTopicSettings", () -> {
        alter(admin, topic, op("retention.ms", "3600000", AlterConfigOp.OpType.SET),
            op("compression.type", "uncompressed", AlterConfigOp.OpType.SET),
            op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        Config c = describe(admin, topic);
        equal("3600000", c.get("retention.ms").value(), "retention.ms");
        equal(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, c.get("retention.ms").source(),
            "retention.ms source");
        equal("uncompressed", c.get("compression.type").value(), "compression.type");
        equal("compact,delete", c.get("cleanup.policy").value(), "cleanup.policy");
        alter(admin, topic, op("retention.ms", null, AlterConfigOp.OpType.DELETE),
            op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT));
        c = describe(admin, topic);
        equal(ConfigEntry.ConfigSource.DEFAULT_CONFIG, c.get("retention.ms").source(),
            "retention.ms source after delete");
        equal("compact", c.get("cleanup.policy").value(), "cleanup.policy after subtract");
      });
      checks.test("AnUnknownOrInvalidSettingIsRefusedWithInvalidConfig", () -> {
        alter(admin, topic, op("cleanup.policy", "compact", AlterConfigOp.OpType.SET));
        for (AlterConfigOp bad : List.of(op("no.such.setting", "1", AlterConfigOp.OpType.SET),
            op("segment.bytes", "-5", AlterConfigOp.OpType.SET),
            op("cleanup.policy", "compact", AlterConfigOp.OpType.SUBTRACT))) {
          try {
            alter(admin, topic, bad);
            throw new AssertionError("accepted " + bad);
          } catch (ExecutionException e) {
            check(e.getCause() instanceof InvalidConfigurationException,
                bad.configEntry().name() + ": " + e.getCause());
          }
        }
        equal("compact", describe(admin, topic).get("cleanup.policy").value(), "unchanged");
      });
      checks.test("CreateTopicsTakesTheSettingsItNamesAndRefusesOthers", () -> {
        // As Kafka Streams, Connect and MirrorMaker 2 create their internal topics.
        NewTopic changelog = new NewTopic("app-store-changelog", 1, (short) 1).configs(Map.of(
            "cleanup.policy", "compact,delete", "retention.ms", "86400000",
            "segment.bytes", "52428800", "message.timestamp.type", "CreateTime"));
        admin.createTopics(List.of(changelog)).all().get();
        Config c = describe(admin,
            new ConfigResource(ConfigResource.Type.TOPIC, "app-store-changelog"));
        equal("compact,delete", c.get("cleanup.policy").value(), "cleanup.policy");
        equal("86400000", c.get("retention.ms").value(), "retention.ms");
        equal("52428800", c.get("segment.bytes").value(), "segment.bytes");
        equal(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, c.get("retention.ms").source(),
            "retention.ms source");
        for (Map<String, String> bad : List.of(Map.of("no.such.setting", "1"),
            Map.of("message.timestamp.type", "LogAppendTime"), Map.of("segment.bytes", "-5"))) {
          try {
            admin.createTopics(List.of(new NewTopic("refused", 1, (short) 1).configs(bad)))
                .all().get();
            throw new AssertionError("created with " + bad);
          } catch (ExecutionException e) {
            check(e.getCause() instanceof InvalidConfigurationException, bad + ": " + e.getCause());
          }
        }
        check(!admin.listTopics().names().get().contains("refused"), "nothing created");
      });
      checks.test("TheBrokerDescribesAReadOnlySetAndRefusesChanges", () -> {
        String id = String.valueOf(admin.describeCluster().controller().get().id());
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, id);
        Config c = describe(admin, node);
        equal(id, c.get("node.id").value(), "node.id");
        check(c.get("log.retention.ms") != null, "log.retention.ms described");
        for (ConfigEntry e : c.entries()) check(e.isReadOnly(), e.name() + " is read-only");
        try {
          alter(admin, node, op("log.retention.ms", "1", AlterConfigOp.OpType.SET));
          throw new AssertionError("broker setting changed");
        } catch (ExecutionException e) {
          check(e.getCause() instanceof InvalidRequestException, "cause: " + e.getCause());
        }
      });
    }
    System.exit(checks.finish());
  }
}
