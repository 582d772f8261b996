package dev.keyframe.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.modulith.test.Scenario;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import dev.keyframe.support.KeyframeModuleTest;

/**
 * The identity module alone (it needs nothing but the platform): the first admin, API tokens and the rules of who
 * may call what, and the sign-in throttle that learns from Spring Security's authentication events.
 */
@KeyframeModuleTest
@AutoConfigureMockMvc
class IdentityModuleTests {

	private final Accounts accounts;

	private final MockMvcTester mvc;

	IdentityModuleTests(Accounts accounts, MockMvcTester mvc) {
		this.accounts = accounts;
		this.mvc = mvc;
	}

	@Test
	void theFirstStartCreatesTheConfiguredAdmin() {
		assertThat(accounts.user("admin")).hasValueSatisfying(admin -> assertThat(admin.role()).isEqualTo(Role.ADMIN));
		assertThat(signIn("admin", "admin-password-for-tests", "10.0.0.1")).hasRedirectedUrl("/");
	}

	@Test
	void anApiTokenActsForItsUserWithItsRoleUntilRevoked() {
		UserView editor = accounts.create("token-editor", "token-editor-password", Role.EDITOR);
		IssuedToken token = accounts.issueToken(editor.id(), "cli");
		String bearer = "Bearer " + token.secret();

		assertThat(mvc.get().uri("/api/account").header("Authorization", bearer)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.username")
			.isEqualTo("token-editor");
		assertThat(mvc.get().uri("/api/admin/users").header("Authorization", bearer)).as("editors are not admins")
			.hasStatus(403);
		assertThat(mvc.get().uri("/api/account")).as("no token, no session").hasStatus(401);

		accounts.revokeToken(editor.id(), token.token().id());
		assertThat(mvc.get().uri("/api/account").header("Authorization", bearer)).hasStatus(401);
	}

	@Test
	void wrongPasswordsLockTheNameExceptFromTrustedNetworks(Scenario scenario) {
		accounts.create("guessed-editor", "guessed-editor-password", Role.EDITOR);

		scenario.stimulate(() -> {
			for (int i = 0; i < 5; i++) {
				assertThat(signIn("guessed-editor", "wrong-" + i, "10.6.6.6")).hasRedirectedUrl("/login?error");
			}
		})
			.andWaitForEventOfType(AuthenticationFailureBadCredentialsEvent.class)
			.matchingMappedValue(event -> event.getAuthentication().getName(), "guessed-editor")
			.toArriveAndVerify(event -> {
				assertThat(signIn("guessed-editor", "guessed-editor-password", "10.7.7.7"))
					.as("the right password, once the name is locked")
					.hasRedirectedUrl("/login?locked");
				assertThat(signIn("guessed-editor", "guessed-editor-password", "127.0.0.2"))
					.as("from a trusted network").hasRedirectedUrl("/");
			});
	}

	private MvcTestResult signIn(String username, String password, String from) {
		return mvc.post().uri("/login").param("username", username).param("password", password).with(csrf())
			.with(request -> {
				request.setRemoteAddr(from);
				return request;
			})
			.exchange();
	}

}
