package dev.keyframe.platform.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.OperationSuccessful$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.sql.DBMessage;
import org.elasticmq.persistence.sql.DBQueue;

import scala.Option;

/**
 * Keeps the local SQS stand-in's queues and messages in an H2 file, so queued and in-flight messages outlive a
 * restart (in-flight ones reappear when their visibility timeout ends, as in SQS).
 * <p>
 * ElasticMQ's own {@code SqlQueuePersistenceActor} does the same but through one JVM-wide connection pool
 * (scalikejdbc's singleton, set once): a second stand-in in the same JVM (the integration tests start several)
 * would write into the first one's file. This actor listens to the same queue events with a connection of its
 * own, and stores them with ElasticMQ's own encoding ({@link DBMessage}, {@link DBQueue}).
 * <p>
 * A send, receive, visibility change or delete is answered to the client only after this actor has written it
 * (ElasticMQ waits for the listener), and H2 commits each write before that. The connection belongs to whoever
 * opened it (the actor may be restarted after a failed write; the connection stays open).
 */
final class QueueJournal extends AbstractActor {

	private final Connection db;

	private QueueJournal(Connection db) {
		this.db = db;
	}

	/** Opens (or creates) the journal file {@code <dir>/queues.mv.db}. */
	static Connection open(Path dir) throws SQLException {
		// WRITE_DELAY=0: each commit is written to the file before the statement returns, not a moment later;
		// DB_CLOSE_ON_EXIT=FALSE: closed by the local stack after the app's last SQS call, not by H2's own JVM
		// shutdown hook at the first moment of a stop (which left ElasticMQ failing every request while the app
		// was still stopping)
		Connection db = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("queues").toAbsolutePath()
				+ ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
		try (Statement statement = db.createStatement()) {
			statement.execute("create table if not exists queue (name varchar primary key, data blob)");
			statement.execute("""
					create table if not exists message (queue_name varchar, message_id varchar,
					  delivery_receipts blob, next_delivery bigint, content blob, attributes blob, created bigint,
					  received bigint, receive_count int, group_id varchar, deduplication_id varchar,
					  tracing_id varchar, sequence_number varchar, dead_letter_source_queue_name varchar,
					  primary key (queue_name, message_id))""");
		}
		return db;
	}

	static Props props(Connection db) {
		return Props.create(QueueJournal.class, () -> new QueueJournal(db));
	}

	/** The stored queues, those without a dead-letter queue first (a redrive policy needs its target). */
	static Map<CreateQueueMetadata, List<InternalMessage>> stored(Connection db) throws SQLException {
		List<CreateQueueMetadata> queues = new ArrayList<>();
		try (Statement statement = db.createStatement();
				ResultSet rs = statement.executeQuery("select name, data from queue")) {
			while (rs.next()) {
				queues.add(new DBQueue(rs.getString(1), rs.getBytes(2)).toCreateQueue());
			}
		}
		queues.sort(java.util.Comparator.comparing(q -> q.deadLettersQueue().isDefined()));
		Map<CreateQueueMetadata, List<InternalMessage>> stored = new LinkedHashMap<>();
		for (CreateQueueMetadata queue : queues) {
			List<InternalMessage> messages = new ArrayList<>();
			try (PreparedStatement select = db.prepareStatement("select * from message where queue_name = ?")) {
				select.setString(1, queue.name());
				try (ResultSet rs = select.executeQuery()) {
					while (rs.next()) {
						messages.add(message(rs).toInternalMessage());
					}
				}
			}
			stored.put(queue, messages);
		}
		return stored;
	}

	@Override
	public Receive createReceive() {
		return receiveBuilder().match(QueueEvent.QueueCreated.class, e -> saveQueue(e.queue().name(), e.queue()))
			.match(QueueEvent.QueueMetadataUpdated.class, e -> saveQueue(e.queue().name(), e.queue()))
			.match(QueueEvent.QueueDeleted.class, e -> deleteQueue(e.queueName()))
			.match(QueueEvent.MessageAdded.class, e -> acknowledged(() -> insert(e.queueName(), e.message())))
			.match(QueueEvent.MessageUpdated.class, e -> acknowledged(() -> update(e.queueName(), e.message())))
			.match(QueueEvent.MessageRemoved.class, e -> acknowledged(() -> delete(e.queueName(), e.messageId())))
			.build();
	}

	private interface Write {

		void run() throws SQLException;

	}

	/** Answers only once the write is stored: ElasticMQ answers the client after that. */
	private void acknowledged(Write write) throws SQLException {
		write.run();
		getSender().tell(OperationSuccessful$.MODULE$, getSelf());
	}

	private void saveQueue(String name, org.elasticmq.QueueData queue) throws SQLException {
		try (PreparedStatement merge = db.prepareStatement("merge into queue (name, data) key (name) values (?, ?)")) {
			merge.setString(1, name);
			merge.setBytes(2, DBQueue.from(CreateQueueMetadata.from(queue)).data());
			merge.executeUpdate();
		}
	}

	private void deleteQueue(String name) throws SQLException {
		try (PreparedStatement queue = db.prepareStatement("delete from queue where name = ?");
				PreparedStatement messages = db.prepareStatement("delete from message where queue_name = ?")) {
			queue.setString(1, name);
			queue.executeUpdate();
			messages.setString(1, name);
			messages.executeUpdate();
		}
	}

	private void insert(String queue, InternalMessage internal) throws SQLException {
		DBMessage m = DBMessage.from(internal);
		try (PreparedStatement insert = db.prepareStatement("""
				merge into message (queue_name, message_id, delivery_receipts, next_delivery, content, attributes, created,
				  received, receive_count, group_id, deduplication_id, tracing_id, sequence_number,
				  dead_letter_source_queue_name) key (queue_name, message_id)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
			insert.setString(1, queue);
			insert.setString(2, m.messageId());
			insert.setBytes(3, m.deliveryReceipts());
			insert.setLong(4, m.nextDelivery());
			insert.setBytes(5, m.content());
			insert.setBytes(6, m.attributes());
			insert.setLong(7, m.created());
			setLong(insert, 8, m.received());
			insert.setInt(9, m.receiveCount());
			setString(insert, 10, m.groupId());
			setString(insert, 11, m.deduplicationId());
			setString(insert, 12, m.tracingId());
			setString(insert, 13, m.sequenceNumber());
			setString(insert, 14, m.deadLetterSourceQueueName());
			insert.executeUpdate();
		}
	}

	private void update(String queue, InternalMessage internal) throws SQLException {
		DBMessage m = DBMessage.from(internal);
		try (PreparedStatement update = db.prepareStatement("""
				update message set delivery_receipts = ?, next_delivery = ?, attributes = ?, received = ?,
				  receive_count = ?, tracing_id = ?, sequence_number = ?, dead_letter_source_queue_name = ?
				where queue_name = ? and message_id = ?""")) {
			update.setBytes(1, m.deliveryReceipts());
			update.setLong(2, m.nextDelivery());
			update.setBytes(3, m.attributes());
			setLong(update, 4, m.received());
			update.setInt(5, m.receiveCount());
			setString(update, 6, m.tracingId());
			setString(update, 7, m.sequenceNumber());
			setString(update, 8, m.deadLetterSourceQueueName());
			update.setString(9, queue);
			update.setString(10, m.messageId());
			update.executeUpdate();
		}
	}

	private void delete(String queue, String messageId) throws SQLException {
		try (PreparedStatement delete = db.prepareStatement("delete from message where queue_name = ? and message_id = ?")) {
			delete.setString(1, queue);
			delete.setString(2, messageId);
			delete.executeUpdate();
		}
	}

	private static DBMessage message(ResultSet rs) throws SQLException {
		long received = rs.getLong("received");
		Option<Object> receivedAt = rs.wasNull() ? Option.empty() : Option.apply(received);
		return new DBMessage(rs.getString("message_id"), rs.getBytes("delivery_receipts"), rs.getLong("next_delivery"),
				rs.getBytes("content"), rs.getBytes("attributes"), rs.getLong("created"), receivedAt,
				rs.getInt("receive_count"), Option.apply(rs.getString("group_id")),
				Option.apply(rs.getString("deduplication_id")), Option.apply(rs.getString("tracing_id")),
				Option.apply(rs.getString("sequence_number")), Option.apply(rs.getString("dead_letter_source_queue_name")));
	}

	private static void setLong(PreparedStatement statement, int index, Option<Object> value) throws SQLException {
		if (value.isDefined()) {
			statement.setLong(index, (Long) value.get());
		}
		else {
			statement.setNull(index, Types.BIGINT);
		}
	}

	private static void setString(PreparedStatement statement, int index, Option<String> value) throws SQLException {
		if (value.isDefined()) {
			statement.setString(index, value.get());
		}
		else {
			statement.setNull(index, Types.VARCHAR);
		}
	}

}
