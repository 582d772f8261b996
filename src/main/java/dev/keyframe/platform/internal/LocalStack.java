package dev.keyframe.platform.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.msg.CreateQueue;
import org.elasticmq.msg.RestoreMessages;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The local default: when {@code keyframe.local.enabled} is true, starts real protocol peers in this JVM (an
 * embedded PostgreSQL, an S3-compatible server over a data directory, an SQS-compatible server with a
 * dead-letter queue) and sets the ordinary connection settings to point at them. Everything after this runs
 * the production code paths; nothing else knows it is local.
 * <p>
 * It runs before the application context exists because the data source, S3 and SQS settings are needed to
 * create it. The three servers start side by side on threads of their own while the context is created: their
 * settings are known by name at once, and reading one waits for its server (the data source, the first to need one,
 * waits for PostgreSQL). The servers stop when the context closes, after every bean that uses them.
 */
public class LocalStack implements EnvironmentPostProcessor, Ordered, AutoCloseable {

	static final String ACCESS_KEY = "keyframe-local";

	static final String SECRET_KEY = "keyframe-local-secret";

	static final String REGION = "us-east-1";

	private final Log log;

	private final Deque<AutoCloseable> started = new java.util.concurrent.ConcurrentLinkedDeque<>();

	/** Where the stand-ins' addresses are published for instances that join them. */
	static final String STACK_FILE = "stack.properties";

	private @org.jspecify.annotations.Nullable Path published;

	public LocalStack(DeferredLogFactory logs) {
		this.log = logs.getLog(LocalStack.class);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
		if (!env.getProperty("keyframe.local.enabled", Boolean.class, false)) {
			return;
		}
		Path dataDir = Path.of(env.getProperty("keyframe.local.data-dir", "data")).toAbsolutePath();
		if (attach(env, dataDir)) {
			return;
		}
		try {
			// the three servers start side by side, and beside the application context: each of their settings
			// waits for its server when first read (the data source's, when the context first needs the database)
			int pgPort = port(env, "postgres-port", 15432);
			int s3Port = port(env, "s3-port", 19000);
			int sqsPort = port(env, "sqs-port", 19324);
			String bucket = env.getProperty("keyframe.storage.bucket", "keyframe");
			int maxReceiveCount = env.getProperty("keyframe.local.max-receive-count", Integer.class, 5);
			Map<String, Object> edge = new LinkedHashMap<>();
			edge(dataDir, port(env, "edge-port", 19080), env, edge);
			Starting starting = new Starting(edge);
			starting.start("PostgreSQL", POSTGRES_SETTINGS, settings -> startPostgres(dataDir, pgPort, settings));
			starting.start("S3Proxy", S3_SETTINGS, settings -> startS3(dataDir, s3Port, bucket, settings));
			starting.start("ElasticMQ", SQS_SETTINGS, settings -> startSqs(dataDir, sqsPort, maxReceiveCount, settings));
			this.starting = starting;
			env.getPropertySources().addFirst(starting);
			application.addInitializers(context -> {
				((GenericApplicationContext) context).registerBean("localStack", LocalStack.class, () -> {
					awaitStarted();
					return this;
				});
				// the connectors depend on the stand-ins, so everything using them is destroyed before they stop
				context.addBeanFactoryPostProcessor(factory -> List.of("dataSource", "s3Client", "s3Presigner", "sqsClient")
					.stream()
					.filter(factory::containsBeanDefinition)
					.map(factory::getBeanDefinition)
					.forEach(definition -> definition.setDependsOn(append(definition.getDependsOn(), "localStack"))));
			});
			Thread.ofPlatform().daemon().name("local-stack-publish").start(() -> {
				try {
					publish(dataDir, starting.all());
					log.info("Local stack is up in " + starting.took() + ": data in " + dataDir);
				}
				catch (Exception ex) {
					// the context fails on the settings it reads; the servers that did start stop with it
				}
			});
		}
		catch (Exception ex) {
			close();
			throw new IllegalStateException("The local stack did not start: " + ex.getMessage(), ex);
		}
	}

	private static final List<String> POSTGRES_SETTINGS = List.of("spring.datasource.url", "spring.datasource.username",
			"spring.datasource.password");

	private static final List<String> S3_SETTINGS = List.of("keyframe.storage.endpoint", "keyframe.storage.bucket",
			"keyframe.storage.path-style", "keyframe.storage.region", "keyframe.storage.access-key",
			"keyframe.storage.secret-key");

	private static final List<String> SQS_SETTINGS = List.of("keyframe.queue.url", "keyframe.queue.dead-letter-url",
			"keyframe.queue.endpoint", "keyframe.queue.region", "keyframe.queue.access-key",
			"keyframe.queue.secret-key");

	private volatile @org.jspecify.annotations.Nullable Starting starting;

	/** Waits until every stand-in is up; throws what stopped one. */
	private void awaitStarted() {
		Starting current = starting;
		if (current != null) {
			current.all();
		}
	}

	/** Starts one stand-in and puts its settings in the map it is given. */
	@FunctionalInterface
	private interface Start {

		void into(Map<String, Object> settings) throws Exception;

	}

	/**
	 * The stand-ins' settings while they start: each setting is known by name at once, and its value waits for its
	 * own server. A server that failed to start fails whoever reads its settings, with the reason.
	 */
	private final class Starting extends org.springframework.core.env.EnumerablePropertySource<Object> {

		private final Map<String, Object> ready;

		private final Map<String, java.util.concurrent.CompletableFuture<Map<String, Object>>> pending =
				new java.util.concurrent.ConcurrentHashMap<>();

		private final List<java.util.concurrent.CompletableFuture<Map<String, Object>>> starts =
				new java.util.concurrent.CopyOnWriteArrayList<>();

		private final long began = System.nanoTime();

		private volatile long ended;

		Starting(Map<String, Object> ready) {
			super("keyframe-local-stack", new Object());
			this.ready = ready;
		}

		void start(String server, List<String> names, Start start) {
			java.util.concurrent.CompletableFuture<Map<String, Object>> result = new java.util.concurrent.CompletableFuture<>();
			starts.add(result);
			names.forEach(name -> pending.put(name, result));
			Thread.ofPlatform().daemon().name("local-" + server.toLowerCase(java.util.Locale.ROOT)).start(() -> {
				long t0 = System.nanoTime();
				try {
					Map<String, Object> settings = new LinkedHashMap<>();
					start.into(settings);
					log.info(server + " is up in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
					result.complete(settings);
				}
				catch (Throwable ex) {
					log.error(server + " did not start: " + ex.getMessage());
					result.completeExceptionally(ex);
				}
			});
		}

		/** Every setting, once every server is up. */
		Map<String, Object> all() {
			Map<String, Object> all = new LinkedHashMap<>(ready);
			for (var start : starts) {
				all.putAll(await(start));
			}
			if (ended == 0) {
				ended = System.nanoTime();
			}
			return all;
		}

		String took() {
			return String.format(java.util.Locale.ROOT, "%.1f s", (ended - began) / 1e9);
		}

		/** Waits for all starts to end, whether or not they succeeded. */
		void settle() {
			starts.forEach(start -> start.handle((settings, failure) -> null).join());
		}

		private Map<String, Object> await(java.util.concurrent.CompletableFuture<Map<String, Object>> start) {
			try {
				return start.join();
			}
			catch (java.util.concurrent.CompletionException ex) {
				Throwable cause = ex.getCause() == null ? ex : ex.getCause();
				throw new IllegalStateException("The local stack did not start: " + cause.getMessage(), cause);
			}
		}

		@Override
		public String[] getPropertyNames() {
			java.util.Set<String> names = new java.util.LinkedHashSet<>(ready.keySet());
			names.addAll(pending.keySet());
			return names.toArray(String[]::new);
		}

		@Override
		public boolean containsProperty(String name) {
			return ready.containsKey(name) || pending.containsKey(name);
		}

		@Override
		public @org.jspecify.annotations.Nullable Object getProperty(String name) {
			if (ready.containsKey(name)) {
				return ready.get(name);
			}
			var start = pending.get(name);
			return start == null ? null : await(start).get(name);
		}

	}

	private void startPostgres(Path dataDir, int port, Map<String, Object> settings) throws IOException {
		Path pgData = dataDir.resolve("postgres");
		Files.createDirectories(pgData);
		stopOrphan(pgData);
		refuseBusyPort(port, pgData);
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(pgData)
			.setCleanDataDirectory(false)
			.setPort(port)
			.setPGStartupWait(Duration.ofSeconds(60))
			// zonky starts PostgreSQL for throwaway test databases (-F, synchronous_commit off): this one is ./data,
			// so a commit is on disk before it is acknowledged and a crash cannot tear a page
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			.setServerConfig("full_page_writes", "on")
			// stopped with the application context, after the beans that use it, not by a JVM hook of its own
			.setRegisterShutdownHook(false)
			.start();
		started.push(postgres);
		verifyOwn(postgres, port, pgData);
		watchdog(pgData);
		settings.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
		settings.put("spring.datasource.username", "postgres");
		settings.put("spring.datasource.password", "postgres");
	}

	/**
	 * zonky's start connects to whatever answers on the port, so a server another checkout left running there would
	 * be taken for ours (with that checkout's data and accounts). A busy port is refused before starting.
	 */
	private static void refuseBusyPort(int port, Path pgData) throws IOException {
		try (ServerSocket probe = new ServerSocket()) {
			probe.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return;
		}
		catch (IOException busy) {
			String whose = dataDirectoryOn(port).map(dir -> " by the PostgreSQL of " + dir).orElse("");
			throw new IOException("Port " + port + " is in use" + whose + "; the local PostgreSQL for " + pgData
					+ " will not attach to it. Stop that server or set keyframe.local.postgres-port", busy);
		}
	}

	/** After the start: the server on the port must be the one serving our directory, or we refuse it. */
	private static void verifyOwn(EmbeddedPostgres postgres, int port, Path pgData) throws IOException {
		Optional<String> served = dataDirectoryOn(port);
		boolean ours = served.map(dir -> sameFile(Path.of(dir), pgData)).orElse(false);
		if (!ours) {
			throw new IOException("The PostgreSQL on port " + port + " serves "
					+ served.orElse("a data directory it does not tell") + ", not " + pgData
					+ "; refusing to use another checkout's database");
		}
	}

	private static Optional<String> dataDirectoryOn(int port) {
		String url = "jdbc:postgresql://localhost:" + port + "/postgres?connectTimeout=3&socketTimeout=5";
		try (java.sql.Connection db = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
				java.sql.ResultSet rs = db.createStatement().executeQuery("show data_directory")) {
			return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
		}
		catch (java.sql.SQLException ex) {
			return Optional.empty();
		}
	}

	private static boolean sameFile(Path a, Path b) {
		try {
			return Files.isSameFile(a, b);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * PostgreSQL runs in a session of its own (pg_ctl detaches it), so it outlives a JVM that is killed and even a
	 * kill of the JVM's process group. A watchdog in a session of its own waits for this JVM to end and then asks
	 * PostgreSQL for a fast shutdown, if the server recorded in {@code postmaster.pid} is still the one started here
	 * (after a clean stop the file is gone and the watchdog does nothing). Polling once a second costs nothing and
	 * needs only sh; the next start's {@link #stopOrphan} still covers a watchdog that was killed too.
	 */
	private void watchdog(Path pgData) throws IOException {
		Path pidFile = pgData.resolve("postmaster.pid");
		String pgPid = Files.readAllLines(pidFile).get(0).strip();
		String script = "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; "
				+ "[ \"$(head -n 1 \"$3\" 2>/dev/null)\" = \"$2\" ] && kill -INT \"$2\"";
		List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", script, "keyframe-postgres-watchdog",
				String.valueOf(ProcessHandle.current().pid()), pgPid, pidFile.toString()));
		if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
			command.add(0, "/usr/bin/setsid"); // a child of ours is no group leader: setsid execs, so we can stop it
		}
		else {
			log.warn("setsid is missing: the PostgreSQL watchdog dies with this JVM's process group");
		}
		Process watchdog = new ProcessBuilder(command)
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		started.push(watchdog::destroy);
	}

	/**
	 * A server left running on this data directory by a process that was killed outright (kill -9, the OOM
	 * killer) would keep the directory locked: stop it first, with PostgreSQL's fast shutdown.
	 */
	private void stopOrphan(Path pgData) throws IOException {
		Path pidFile = pgData.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.size() < 2 || !lines.get(0).strip().matches("\\d+")) {
			return;
		}
		long pid = Long.parseLong(lines.get(0).strip());
		var process = ProcessHandle.of(pid)
			.filter(ProcessHandle::isAlive)
			.filter(p -> p.info().commandLine().map(c -> c.contains("postgres")).orElse(false))
			.filter(p -> Path.of(lines.get(1).strip()).toAbsolutePath().equals(pgData.toAbsolutePath()));
		if (process.isEmpty()) {
			return;
		}
		log.warn("Stopping the PostgreSQL (pid " + pid + ") a previous run left on " + pgData);
		try {
			new ProcessBuilder("kill", "-INT", String.valueOf(pid)).inheritIO().start().waitFor();
			process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IOException("PostgreSQL pid " + pid + " still holds " + pgData + "; stop it and start again", ex);
		}
	}

	private void startS3(Path dataDir, int port, String bucket, Map<String, Object> settings) throws Exception {
		Path blobs = dataDir.resolve("s3");
		Files.createDirectories(blobs);
		URI endpoint = URI.create("http://127.0.0.1:" + port);
		S3Proxy proxy = S3Proxy.builder()
			.blobStore(new FilesystemNio2BlobStore(blobs.toString()))
			.endpoint(endpoint)
			.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
			.corsRules(new CrossOriginResourceSharing(List.of("*"), List.of("GET", "HEAD", "PUT", "POST", "DELETE"),
					List.of("*"), List.of("ETag"), "false"))
			.build();
		proxy.start();
		while (!"STARTED".equals(proxy.getState())) {
			Thread.sleep(20);
		}
		started.push(proxy::stop);
		try (S3Client s3 = S3Client.builder()
			.region(Region.of(REGION))
			.endpointOverride(endpoint)
			.forcePathStyle(true)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
			.build()) {
			try {
				s3.createBucket(b -> b.bucket(bucket));
			}
			catch (BucketAlreadyOwnedByYouException ex) {
				// kept from an earlier run
			}
			catch (software.amazon.awssdk.services.s3.model.S3Exception ex) {
				if (ex.statusCode() != 409) {
					throw ex;
				}
			}
		}
		settings.put("keyframe.storage.endpoint", endpoint.toString());
		settings.put("keyframe.storage.bucket", bucket);
		settings.put("keyframe.storage.path-style", "true");
		settings.put("keyframe.storage.region", REGION);
		settings.put("keyframe.storage.access-key", ACCESS_KEY);
		settings.put("keyframe.storage.secret-key", SECRET_KEY);
	}

	/**
	 * ElasticMQ with its queues and messages kept in {@code <data>/sqs} ({@link QueueJournal}): what was stored is
	 * put back into the queue actors before the server takes requests.
	 */
	private void startSqs(Path dataDir, int port, int maxReceiveCount, Map<String, Object> settings) throws Exception {
		Path dir = Files.createDirectories(dataDir.resolve("sqs"));
		java.sql.Connection journal = QueueJournal.open(dir);
		started.push(journal::close);
		ActorSystem system = ActorSystem.create("keyframe-sqs");
		started.push(() -> {
			system.terminate();
			system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
		});
		ActorRef listener = system.actorOf(QueueJournal.props(journal), "journal");
		ActorRef queues = system.actorOf(Props.create(QueueManagerActor.class,
				() -> new QueueManagerActor(new NowProvider(), StrictSQSLimits$.MODULE$, Option.apply(listener))),
				"queues");
		int restored = 0;
		for (var stored : QueueJournal.stored(journal).entrySet()) {
			Object created = ask(queues, new CreateQueue(stored.getKey().toCreateQueueData()));
			if (!(created instanceof scala.util.Right<?, ?> right)) {
				throw new IllegalStateException("ElasticMQ did not restore queue " + stored.getKey().name() + ": " + created);
			}
			ask((ActorRef) right.value(), new RestoreMessages(CollectionConverters.asScala(stored.getValue()).toList()));
			restored += stored.getValue().size();
		}
		if (restored > 0) {
			log.info("Restored " + restored + " queued messages from " + dir);
		}
		SQSRestServer server = SQSRestServerBuilder.withActorSystem(system)
			.withQueueManagerActor(queues)
			.withInterface("127.0.0.1")
			.withPort(port)
			.withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
			.start();
		server.waitUntilStarted();
		started.push(server::stopAndWait);
		URI endpoint = URI.create("http://127.0.0.1:" + port);
		try (SqsClient sqs = SqsClient.builder()
			.region(Region.of(REGION))
			.endpointOverride(endpoint)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
			.build()) {
			String deadLetterUrl = sqs.createQueue(b -> b.queueName("keyframe-jobs-dead")).queueUrl();
			String deadLetterArn = sqs
				.getQueueAttributes(b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
				.attributes()
				.get(QueueAttributeName.QUEUE_ARN);
			Map<QueueAttributeName, String> attributes = Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60",
					QueueAttributeName.REDRIVE_POLICY, "{\"maxReceiveCount\":\"" + maxReceiveCount
							+ "\",\"deadLetterTargetArn\":\"" + deadLetterArn + "\"}");
			String url;
			try {
				url = sqs.createQueue(b -> b.queueName("keyframe-jobs").attributes(attributes)).queueUrl();
			}
			catch (QueueNameExistsException ex) {
				// restored with other settings (e.g. a changed max-receive-count): keep its messages, take the new ones
				url = sqs.getQueueUrl(b -> b.queueName("keyframe-jobs")).queueUrl();
				String existing = url;
				sqs.setQueueAttributes(b -> b.queueUrl(existing).attributes(attributes));
			}
			settings.put("keyframe.queue.url", url);
			settings.put("keyframe.queue.dead-letter-url", deadLetterUrl);
		}
		settings.put("keyframe.queue.endpoint", endpoint.toString());
		settings.put("keyframe.queue.region", REGION);
		settings.put("keyframe.queue.access-key", ACCESS_KEY);
		settings.put("keyframe.queue.secret-key", SECRET_KEY);
	}

	private static Object ask(ActorRef actor, Object message) throws Exception {
		return Patterns.ask(actor, message, Duration.ofSeconds(30)).toCompletableFuture().get(30, TimeUnit.SECONDS);
	}

	private static String[] append(String[] dependsOn, String name) {
		List<String> names = new java.util.ArrayList<>(dependsOn == null ? List.of() : List.of(dependsOn));
		names.add(name);
		return names.toArray(String[]::new);
	}

	/**
	 * The local edge stands in for CloudFront: it is playback's code, so here only its settings are made. A signing
	 * key is generated once and kept in the data directory, so signed URLs and cookies outlive a restart.
	 */
	private void edge(Path dataDir, int port, ConfigurableEnvironment env, Map<String, Object> settings)
			throws Exception {
		settings.put("keyframe.edge.enabled", "true");
		settings.put("keyframe.edge.port", port);
		if (!env.containsProperty("keyframe.cdn.url")) {
			settings.put("keyframe.cdn.url", "http://localhost:" + port);
		}
		if (env.containsProperty("keyframe.cdn.keys[0].id")) {
			return;
		}
		Path keys = Files.createDirectories(dataDir.resolve("cdn"));
		Path pem = keys.resolve("local-signing-key.pem");
		Path id = keys.resolve("local-signing-key.id");
		if (!Files.exists(pem) || !Files.exists(id)) {
			var generator = java.security.KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
			Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
					+ java.util.Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(pkcs8)
					+ "\n-----END PRIVATE KEY-----\n");
			byte[] random = new byte[8];
			new java.security.SecureRandom().nextBytes(random);
			Files.writeString(id, "KLOCAL" + java.util.HexFormat.of().withUpperCase().formatHex(random) + "\n");
		}
		settings.put("keyframe.cdn.keys[0].id", Files.readString(id).strip());
		settings.put("keyframe.cdn.keys[0].private-key", pem.toString());
	}

	private static int port(ConfigurableEnvironment env, String name, int fallback) throws IOException {
		int port = env.getProperty("keyframe.local." + name, Integer.class, fallback);
		if (port != 0) {
			return port;
		}
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Another process on this host already runs the stand-ins for this data directory ({@code ops/keyframe stack},
	 * or a whole platform): this instance joins them, as a fleet instance joins RDS, S3 and SQS, instead of starting
	 * its own. {@code keyframe.local.stack}: {@code auto} (join when they run, else start them), {@code start},
	 * {@code attach} (join, or refuse to start).
	 */
	private boolean attach(ConfigurableEnvironment env, Path dataDir) {
		String mode = env.getProperty("keyframe.local.stack", "auto");
		Path file = dataDir.resolve(STACK_FILE);
		java.util.Properties published = new java.util.Properties();
		long owner = -1;
		if (!mode.equals("start") && Files.exists(file)) {
			try (var in = Files.newBufferedReader(file)) {
				published.load(in);
				owner = Long.parseLong(published.getProperty("stack.pid", "-1"));
			}
			catch (IOException | NumberFormatException ex) {
				owner = -1;
			}
		}
		boolean running = owner > 0 && owner != ProcessHandle.current().pid()
				&& ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
		if (!running) {
			if (mode.equals("attach")) {
				throw new IllegalStateException("keyframe.local.stack=attach, but no stand-ins run for " + dataDir
						+ ": start them first with ops/keyframe stack");
			}
			return false;
		}
		Map<String, Object> settings = new LinkedHashMap<>();
		published.stringPropertyNames()
			.stream()
			.filter(name -> !name.startsWith("stack."))
			.forEach(name -> settings.put(name, published.getProperty(name)));
		settings.put("keyframe.local.attached", "true");
		env.getPropertySources().addFirst(new MapPropertySource("keyframe-local-stack", settings));
		log.info("Joining the local stand-ins of process " + owner + " (data in " + dataDir + ")");
		return true;
	}

	private boolean closed;

	/** Writes how to reach the stand-ins, for instances that join them (readable by this user only). */
	private synchronized void publish(Path dataDir, Map<String, Object> settings) throws IOException {
		if (closed) {
			return;
		}
		java.util.Properties properties = new java.util.Properties();
		settings.forEach((name, value) -> {
			if (!name.startsWith("keyframe.edge.")) {
				properties.setProperty(name, String.valueOf(value));
			}
		});
		properties.setProperty("stack.pid", String.valueOf(ProcessHandle.current().pid()));
		Path file = dataDir.resolve(STACK_FILE);
		Path temp = Files.createTempFile(dataDir, "stack", ".tmp",
				java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
						java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
		try (var out = Files.newBufferedWriter(temp)) {
			properties.store(out, "The local stand-ins of process " + ProcessHandle.current().pid()
					+ "; instances started with ops/keyframe run join them");
		}
		Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		this.published = file;
	}

	@Override
	public void close() {
		Starting current = starting;
		if (current != null) {
			current.settle(); // a server still starting is stopped once it is up
		}
		stop();
	}

	private synchronized void stop() {
		closed = true;
		if (published != null) {
			try {
				Files.deleteIfExists(published);
			}
			catch (IOException ex) {
				// the next start sees its process is gone
			}
			published = null;
		}
		while (!started.isEmpty()) {
			try {
				started.pop().close();
			}
			catch (Exception ex) {
				log.warn("A local stand-in did not stop cleanly: " + ex.getMessage());
			}
		}
	}

}
