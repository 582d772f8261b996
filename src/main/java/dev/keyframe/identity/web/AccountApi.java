package dev.keyframe.identity.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.IssuedToken;
import dev.keyframe.identity.Role;
import dev.keyframe.identity.TokenView;
import dev.keyframe.identity.UserView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@Tag(name = "Accounts", description = "Your account and API tokens; users (admins only)")
class AccountApi {

	private final Accounts accounts;

	private final CurrentUser current;

	AccountApi(Accounts accounts, CurrentUser current) {
		this.accounts = accounts;
		this.current = current;
	}

	@GetMapping("/api/account")
	@Operation(summary = "Who you are")
	UserView me() {
		return current.require();
	}

	@GetMapping("/api/account/tokens")
	@Operation(summary = "Your API tokens (never their secrets)")
	List<TokenView> tokens() {
		return accounts.tokens(current.require().id());
	}

	@PostMapping("/api/account/tokens")
	@Operation(summary = "Create an API token; the secret is in this answer only")
	ResponseEntity<IssuedToken> issue(@RequestBody Map<String, String> body) {
		if (current.viaToken()) {
			// a leaked token must not be able to mint the tokens that would outlive its revocation
			throw new dev.keyframe.platform.Problem(HttpStatus.FORBIDDEN,
					"API tokens are created by signing in, on your account page, not with another token.");
		}
		return ResponseEntity.status(HttpStatus.CREATED)
			.body(accounts.issueToken(current.require().id(), body.getOrDefault("name", "")));
	}

	@DeleteMapping("/api/account/tokens/{id}")
	@Operation(summary = "Revoke one of your API tokens")
	ResponseEntity<Void> revoke(@PathVariable UUID id) {
		accounts.revokeToken(current.require().id(), id);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/api/admin/users")
	@Operation(summary = "All users (admins)")
	List<UserView> users() {
		return accounts.users();
	}

	@PostMapping("/api/admin/users")
	@Operation(summary = "Create a user (admins)")
	ResponseEntity<UserView> create(@RequestBody NewUser user) {
		return ResponseEntity.status(HttpStatus.CREATED).body(accounts.create(user.username(), user.password(), user.role()));
	}

	record NewUser(String username, String password, Role role) {
	}

}
