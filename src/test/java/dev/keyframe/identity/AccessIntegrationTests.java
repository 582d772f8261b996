package dev.keyframe.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.support.KeyframeClient;

/**
 * Every page and endpoint answers each kind of caller as the security configuration says: anonymous callers
 * are sent to sign in (pages) or get 401 (API), viewers only watch, editors manage assets, admins manage users.
 */
@KeyframeIntegrationTest
class AccessIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Accounts accounts;

	KeyframeClient anonymous;

	KeyframeClient viewer;

	KeyframeClient editor;

	KeyframeClient admin;

	/** The same people signed in with the form, for pages: API tokens do not open pages. */
	KeyframeClient[] signedIn;

	@BeforeEach
	void callers() {
		anonymous = new KeyframeClient(port, "");
		viewer = client("matrix-viewer", Role.VIEWER);
		editor = client("matrix-editor", Role.EDITOR);
		admin = KeyframeClient.admin(port, accounts);
		signedIn = new KeyframeClient[] { new KeyframeClient(port, ""),
				new KeyframeClient(port, "").signIn("matrix-viewer", "matrix-viewer-password"),
				new KeyframeClient(port, "").signIn("matrix-editor", "matrix-editor-password"),
				new KeyframeClient(port, "").signIn("admin", "admin-password-for-tests") };
	}

	@Test
	void everyEndpointAnswersEachRoleAsConfigured() {
		// request -> expected status for anonymous, viewer, editor, admin
		Map<String, int[]> matrix = new LinkedHashMap<>();
		matrix.put("GET /api/assets", new int[] { 401, 403, 200, 200 });
		matrix.put("GET /api/uploads", new int[] { 401, 403, 200, 200 });
		matrix.put("POST /api/uploads", new int[] { 401, 403, 400, 400 });
		matrix.put("GET /api/account", new int[] { 401, 200, 200, 200 });
		matrix.put("GET /api/account/tokens", new int[] { 401, 200, 200, 200 });
		matrix.put("GET /api/admin/users", new int[] { 401, 403, 403, 200 });
		matrix.put("GET /", new int[] { 302, 200, 302, 302 });
		matrix.put("GET /library", new int[] { 302, 403, 200, 200 });
		matrix.put("GET /upload", new int[] { 302, 403, 200, 200 });
		matrix.put("GET /account", new int[] { 302, 200, 200, 200 });
		matrix.put("GET /admin/users", new int[] { 302, 403, 403, 200 });
		matrix.put("GET /actuator/prometheus", new int[] { 401, 403, 403, 200 });
		matrix.put("GET /actuator/health", new int[] { 200, 200, 200, 200 });
		matrix.put("GET /login", new int[] { 200, 200, 200, 200 });
		matrix.put("GET /v3/api-docs", new int[] { 200, 200, 200, 200 });
		matrix.put("GET /media/00000000-0000-0000-0000-000000000000/master.m3u8", new int[] { 302, 403, 403, 403 });
		matrix.put("GET /something-else", new int[] { 302, 403, 403, 403 });
		String none = "00000000-0000-0000-0000-000000000001";
		matrix.put("GET /api/assets/" + none, new int[] { 401, 403, 404, 404 });
		matrix.put("POST /api/assets/" + none + "/retry", new int[] { 401, 403, 404, 404 });
		matrix.put("DELETE /api/assets/" + none, new int[] { 401, 403, 404, 404 });
		matrix.put("GET /api/uploads/" + none, new int[] { 401, 403, 404, 404 });
		matrix.put("POST /api/uploads/" + none + "/parts", new int[] { 401, 403, 404, 404 });
		matrix.put("POST /api/uploads/" + none + "/complete", new int[] { 401, 403, 404, 404 });
		matrix.put("DELETE /api/uploads/" + none, new int[] { 401, 403, 404, 404 });
		matrix.put("GET /api/assets/live?ids=" + none, new int[] { 401, 403, 200, 200 });
		matrix.put("POST /api/account/tokens", new int[] { 401, 403, 403, 403 });
		matrix.put("POST /api/admin/users", new int[] { 401, 403, 403, 400 });
		matrix.put("GET /assets/" + none, new int[] { 302, 403, 404, 404 });
		matrix.put("GET /watch/" + none, new int[] { 404, 404, 404, 404 });
		matrix.put("GET /api/playback/" + none, new int[] { 404, 404, 404, 404 });
		matrix.put("GET /swagger-ui/index.html", new int[] { 200, 200, 200, 200 });
		// retention: admins only
		matrix.put("GET /api/admin/retention/rules", new int[] { 401, 403, 403, 200 });
		matrix.put("POST /api/admin/retention/rules", new int[] { 401, 403, 403, 400 });
		matrix.put("GET /api/admin/retention/rules/" + none, new int[] { 401, 403, 403, 404 });
		matrix.put("DELETE /api/admin/retention/rules/" + none, new int[] { 401, 403, 403, 404 });
		matrix.put("GET /api/admin/retention/plan", new int[] { 401, 403, 403, 200 });
		matrix.put("POST /api/admin/retention/preview", new int[] { 401, 403, 403, 400 });
		matrix.put("GET /api/admin/retention/runs", new int[] { 401, 403, 403, 200 });
		matrix.put("GET /api/admin/retention/runs/" + none, new int[] { 401, 403, 403, 404 });
		matrix.put("GET /api/admin/retention/assets/" + none + "/history", new int[] { 401, 403, 403, 200 });
		matrix.put("DELETE /api/admin/retention/holds/" + none, new int[] { 401, 403, 403, 404 });
		matrix.put("GET /admin/retention", new int[] { 302, 403, 403, 200 });
		matrix.put("GET /admin/retention/runs/" + none, new int[] { 302, 403, 403, 404 });
		// live channels: editors and admins
		matrix.put("GET /api/live/channels", new int[] { 401, 403, 200, 200 });
		matrix.put("POST /api/live/channels", new int[] { 401, 403, 400, 400 });
		matrix.put("GET /api/live/channels/" + none, new int[] { 401, 403, 404, 404 });
		matrix.put("POST /api/live/channels/" + none + "/key", new int[] { 401, 403, 404, 404 });
		matrix.put("GET /api/live/channels/" + none + "/events", new int[] { 401, 403, 404, 404 });
		matrix.put("GET /api/live/channels/" + none + "/sessions", new int[] { 401, 403, 404, 404 });
		matrix.put("DELETE /api/live/channels/" + none, new int[] { 401, 403, 404, 404 });
		matrix.put("GET /live", new int[] { 302, 403, 200, 200 });
		matrix.put("GET /live/" + none, new int[] { 302, 403, 404, 404 });

		KeyframeClient[] callers = { anonymous, viewer, editor, admin };
		String[] names = { "anonymous", "viewer", "editor", "admin" };
		java.util.List<String> wrong = new java.util.ArrayList<>();
		for (var entry : matrix.entrySet()) {
			String[] request = entry.getKey().split(" ", 2);
			for (int i = 0; i < callers.length; i++) {
				boolean api = request[1].matches("/(api|actuator|v3|swagger-ui)/.*");
				KeyframeClient.Response response = switch (request[0]) {
					case "POST" -> callers[i].post(request[1], Map.of());
					case "DELETE" -> callers[i].delete(request[1]);
					default -> request[1].contains("/live?") ? callers[i].headersOnly(request[1])
							: api ? callers[i].get(request[1]) : signedIn[i].page(request[1]);
				};
				if (response.status() != entry.getValue()[i]) {
					wrong.add(names[i] + " " + entry.getKey() + ": " + response.status() + ", not " + entry.getValue()[i]);
				}
				else if (response.status() == 302 && !String.valueOf(response.header("Location")).matches(".*/(login|library)$")) {
					wrong.add(names[i] + " " + entry.getKey() + ": sent to " + response.header("Location"));
				}
			}
		}
		assertThat(wrong).as("answers that differ from the matrix").isEmpty();
	}

	@Test
	void aTokenOpensTheApiButNeitherPagesNorNewTokens() {
		assertThat(editor.get("/api/assets").status()).isEqualTo(200);
		KeyframeClient.Response page = editor.page("/library");
		assertThat(page.status()).as("a token is not a sign-in").isEqualTo(302);
		assertThat(page.header("Location")).endsWith("/login");
		KeyframeClient.Response minted = editor.post("/api/account/tokens", Map.of("name", "from a token"));
		assertThat(minted.status()).isEqualTo(403);
		assertThat(minted.json().get("detail").asString()).contains("account page");
	}

	@Test
	void disablingAUserOrChangingTheirRoleEndsTheirSessionAtOnce() {
		UserView user = accounts.user("session-editor")
			.orElseGet(() -> accounts.create("session-editor", "session-editor-password", Role.EDITOR));
		UserView adminUser = accounts.user("admin").orElseThrow();
		KeyframeClient browser = new KeyframeClient(port, "").signIn("session-editor", "session-editor-password");
		assertThat(browser.page("/library").status()).isEqualTo(200);

		accounts.changeRole(user.id(), Role.VIEWER, adminUser.id());
		assertThat(browser.page("/library").status()).as("the demoted user's session is gone").isEqualTo(302);

		browser.signIn("session-editor", "session-editor-password");
		assertThat(browser.page("/account").status()).isEqualTo(200);
		accounts.enable(user.id(), false, adminUser.id());
		try {
			KeyframeClient.Response after = browser.page("/account");
			assertThat(after.status()).isEqualTo(302);
			assertThat(after.header("Location")).endsWith("/login");
		}
		finally {
			accounts.enable(user.id(), true, adminUser.id());
			accounts.changeRole(user.id(), Role.EDITOR, adminUser.id());
		}
	}

	@Test
	void anUploadInProgressBelongsToWhoeverStartedIt() {
		KeyframeClient other = client("other-editor", Role.EDITOR);
		String upload = editor.post("/api/uploads", Map.of("filename", "mine.mp4", "size", 1000, "contentType", "video/mp4"))
			.json()
			.get("uploadId")
			.asString();

		assertThat(editor.get("/api/uploads/" + upload).status()).isEqualTo(200);
		assertThat(editor.get("/api/uploads").body()).contains(upload);
		assertThat(other.get("/api/uploads/" + upload).status()).as("someone else's upload does not exist").isEqualTo(404);
		assertThat(other.get("/api/uploads").body()).doesNotContain(upload);
		assertThat(other.delete("/api/uploads/" + upload).status()).isEqualTo(404);
		assertThat(admin.get("/api/uploads/" + upload).status()).as("admins see every upload").isEqualTo(200);

		assertThat(editor.delete("/api/uploads/" + upload).status()).isEqualTo(204);
	}

	@Test
	void anotherEditorNeitherSeesNorDeletesAnUnfinishedUploadsAsset() {
		KeyframeClient other = client("other-editor", Role.EDITOR);
		String asset = editor.post("/api/uploads", Map.of("filename", "unfinished.mp4", "size", 1000, "contentType",
				"video/mp4", "title", "Someone else's unfinished upload"))
			.json()
			.get("assetId")
			.asString();

		assertThat(editor.get("/api/assets?size=200").body()).contains(asset);
		assertThat(other.get("/api/assets?size=200").body()).doesNotContain(asset);
		assertThat(other.get("/api/assets?status=UPLOADING&size=200").body()).doesNotContain(asset);
		assertThat(other.get("/api/assets/" + asset).status()).as("someone else's upload does not exist").isEqualTo(404);
		assertThat(other.delete("/api/assets/" + asset).status()).isEqualTo(404);
		assertThat(admin.get("/api/assets?size=200").body()).as("admins see every asset").contains(asset);
		assertThat(admin.get("/api/assets/" + asset).status()).isEqualTo(200);

		assertThat(admin.delete("/api/assets/" + asset).status()).isEqualTo(204);
	}

	@Test
	void theSessionCookieIsSentOnlyWithSameSiteRequestsAndTopLevelNavigation() {
		KeyframeClient browser = new KeyframeClient(port, "");
		KeyframeClient.Response form = browser.page("/login");
		assertThat(form.headers().get("Set-Cookie")).as("the session that carries the form's CSRF token")
			.anySatisfy(cookie -> assertThat(cookie).startsWith("JSESSIONID=").containsIgnoringCase("SameSite=Lax"));
	}

	@Test
	void tomcatsOwnErrorsAnswerInKeyframesFormatWithoutNamingTheServer() {
		String[] requests = { "GET /api/assets/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
				"GET /api/assets HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(100_000)
						+ "\r\nConnection: close\r\n\r\n",
				"GET /app/..%2f..%2fetc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" };
		for (String request : requests) {
			KeyframeClient.Response answer = KeyframeClient.raw(port, request);
			String what = request.substring(0, 30);
			assertThat(answer.status()).as(what).isEqualTo(400);
			assertThat(answer.body()).as(what).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
			assertThat(answer.header("Server")).as(what).isNull();
			assertThat(answer.header("Content-Type")).as(what).startsWith("application/problem+json");
			assertThat(answer.body()).as(what).contains("\"status\":400", "\"title\":\"Bad Request\"");
		}
	}

	@Test
	void repeatedWrongPasswordsLockTheAccountForAWhile() {
		accounts.user("guessed").orElseGet(() -> accounts.create("guessed", "the-right-password", Role.EDITOR));
		KeyframeClient browser = new KeyframeClient(port, "", "127.0.0.3");
		for (int i = 0; i < 5; i++) {
			assertThat(browser.signInAnswer("guessed", "wrong-password-" + i)).endsWith("/login?error");
		}
		assertThat(browser.signInAnswer("guessed", "the-right-password")).as("even the right password, for now")
			.endsWith("/login?locked");
		assertThat(new KeyframeClient(port, "", "127.0.0.4").signInAnswer("guessed", "the-right-password"))
			.as("and from elsewhere")
			.endsWith("/login?locked");
		assertThat(browser.page("/login?locked").body()).contains("Too many failed sign-ins");
	}

	@Test
	void aNameNoAccountHasAnswersAsAnAccountsNameDoes() {
		KeyframeClient browser = new KeyframeClient(port, "", "127.0.0.5");
		for (int i = 0; i < 5; i++) {
			assertThat(browser.signInAnswer("nobody-has-this-name", "wrong-password-" + i)).endsWith("/login?error");
		}
		assertThat(browser.signInAnswer("nobody-has-this-name", "a-password")).endsWith("/login?locked");
	}

	@Test
	void oneAddressTryingManyNamesIsStoppedForAllOfThem() {
		accounts.user("sprayed").orElseGet(() -> accounts.create("sprayed", "sprayed-password", Role.VIEWER));
		KeyframeClient sprayer = new KeyframeClient(port, "", "127.0.0.6");
		for (int i = 0; i < 20; i++) {
			assertThat(sprayer.signInAnswer("sprayed-" + i, "a-guess")).endsWith("/login?error");
		}
		assertThat(sprayer.signInAnswer("sprayed", "sprayed-password")).endsWith("/login?locked");
		new KeyframeClient(port, "", "127.0.0.7").signIn("sprayed", "sprayed-password");
	}

	@Test
	void anAdminLockedOutFromOutsideStillSignsInFromATrustedNetwork() {
		// the tests' context trusts 127.0.0.2 (keyframe.identity.trusted-networks), as an operator trusts the host
		accounts.user("locked-admin").orElseGet(() -> accounts.create("locked-admin", "locked-admin-password", Role.ADMIN));
		KeyframeClient outside = new KeyframeClient(port, "", "127.0.0.8");
		for (int i = 0; i < 5; i++) {
			outside.signInAnswer("locked-admin", "wrong-password-" + i);
		}
		assertThat(outside.signInAnswer("locked-admin", "locked-admin-password")).endsWith("/login?locked");

		KeyframeClient host = new KeyframeClient(port, "", "127.0.0.2").signIn("locked-admin", "locked-admin-password");
		assertThat(host.page("/admin/users").status()).isEqualTo(200);
	}


	@Test
	void passwordsLongerThanBcryptReadsAreRefusedWithAReason() {
		assertThatThrownBy(() -> accounts.create("long-password", "x".repeat(73), Role.VIEWER))
			.isInstanceOf(dev.keyframe.platform.Problem.class)
			.hasMessageContaining("72 bytes");
	}

	@Test
	void anUnknownOrRevokedTokenIsRefusedOutright() {
		assertThat(new KeyframeClient(port, "kf_not-a-real-token").get("/api/account").status()).isEqualTo(401);
		UserView user = accounts.user("matrix-editor").orElseThrow();
		IssuedToken issued = accounts.issueToken(user.id(), "to revoke");
		KeyframeClient withToken = new KeyframeClient(port, issued.secret());
		assertThat(withToken.get("/api/account").status()).isEqualTo(200);

		accounts.revokeToken(user.id(), issued.token().id());

		assertThat(withToken.get("/api/account").status()).isEqualTo(401);
	}

	@Test
	void aDisabledUsersTokensStopWorking() {
		UserView user = accounts.user("matrix-viewer").orElseThrow();
		KeyframeClient disabled = new KeyframeClient(port, accounts.issueToken(user.id(), "x").secret());
		UserView adminUser = accounts.user("admin").orElseThrow();
		accounts.enable(user.id(), false, adminUser.id());
		try {
			assertThat(disabled.get("/api/account").status()).isEqualTo(401);
		}
		finally {
			accounts.enable(user.id(), true, adminUser.id());
		}
	}

	@Test
	void tokensAreStoredOnlyAsHashes() {
		UserView user = accounts.user("matrix-editor").orElseThrow();
		IssuedToken issued = accounts.issueToken(user.id(), "hashed");
		assertThat(issued.secret()).startsWith("kf_").hasSizeGreaterThan(40);
		assertThat(issued.token().prefix()).isEqualTo(issued.secret().substring(0, 10));
		assertThat(Accounts.hash(issued.secret())).hasSize(64).doesNotContain(issued.secret());
	}

	private KeyframeClient client(String username, Role role) {
		UserView user = accounts.user(username).orElseGet(() -> accounts.create(username, username + "-password", role));
		return new KeyframeClient(port, accounts.issueToken(user.id(), "matrix").secret());
	}

}
