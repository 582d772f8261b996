package dev.keyframe.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.keyframe.identity.internal.ApiToken;
import dev.keyframe.identity.internal.ApiTokens;
import dev.keyframe.identity.internal.User;
import dev.keyframe.identity.internal.UserAccounts;
import dev.keyframe.platform.Conflict;
import dev.keyframe.platform.Invalid;
import dev.keyframe.platform.NotFound;

/**
 * Users and their API tokens. Passwords are stored as adaptive hashes (bcrypt through Spring Security's
 * delegating encoder, so the algorithm can be upgraded); API tokens are 256-bit random secrets shown once and
 * stored as their SHA-256.
 */
@Service
@Transactional
public class Accounts {

	private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,63}$");

	static final String TOKEN_PREFIX = "kf_";

	private final UserAccounts users;

	private final ApiTokens tokens;

	private final PasswordEncoder passwords;

	private final SecureRandom random = new SecureRandom();

	private final Clock clock;

	Accounts(UserAccounts users, ApiTokens tokens, PasswordEncoder passwords, Optional<Clock> clock) {
		this.users = users;
		this.tokens = tokens;
		this.passwords = passwords;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	public UserView create(String username, String password, Role role) {
		if (username == null || password == null || role == null) {
			throw new Invalid("A new user needs a user name, a password and a role.");
		}
		String name = username.strip().toLowerCase(Locale.ROOT);
		if (!USERNAME.matcher(name).matches()) {
			throw new Invalid("A user name is 2 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
		}
		checkPassword(password);
		if (users.findByUsername(name).isPresent()) {
			throw new Conflict("There is already a user '" + name + "'.");
		}
		return users.save(new User(name, passwords.encode(password), role, clock.instant())).view();
	}

	@Transactional(readOnly = true)
	public List<UserView> users() {
		return users.findAllByOrderByUsernameAsc().stream().map(User::view).toList();
	}

	@Transactional(readOnly = true)
	public long count() {
		return users.count();
	}

	@Transactional(readOnly = true)
	public Optional<UserView> user(String username) {
		return users.findByUsername(username.toLowerCase(Locale.ROOT)).map(User::view);
	}

	public UserView changeRole(UUID id, Role role, UUID actingAdmin) {
		User user = load(id);
		if (id.equals(actingAdmin) && role != Role.ADMIN) {
			throw new Conflict("You cannot take away your own admin role.");
		}
		user.changeRole(role, clock.instant());
		return user.view();
	}

	public UserView enable(UUID id, boolean enabled, UUID actingAdmin) {
		if (id.equals(actingAdmin) && !enabled) {
			throw new Conflict("You cannot disable your own account.");
		}
		User user = load(id);
		user.enable(enabled, clock.instant());
		return user.view();
	}

	public void changePassword(UUID id, String current, String next) {
		User user = load(id);
		if (!passwords.matches(current, user.passwordHash())) {
			throw new Invalid("The current password is not right.");
		}
		checkPassword(next);
		user.changePassword(passwords.encode(next), clock.instant());
	}

	/** A new personal API token for the user; the secret is in the answer and nowhere else. */
	public IssuedToken issueToken(UUID userId, String name) {
		load(userId);
		String label = name == null || name.isBlank() ? "API token" : name.strip();
		if (label.length() > 100) {
			label = label.substring(0, 100);
		}
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		ApiToken token = tokens.save(new ApiToken(userId, label, hash(secret), secret.substring(0, 10), clock.instant()));
		return new IssuedToken(token.view(), secret);
	}

	@Transactional(readOnly = true)
	public List<TokenView> tokens(UUID userId) {
		return tokens.findByUserIdOrderByCreatedAtDesc(userId).stream().map(ApiToken::view).toList();
	}

	public void revokeToken(UUID userId, UUID tokenId) {
		ApiToken token = tokens.findById(tokenId)
			.filter(t -> t.userId().equals(userId))
			.orElseThrow(() -> new NotFound("You have no token " + tokenId + "."));
		token.revoke(clock.instant());
	}

	/** The enabled user a token belongs to, if the token is known and not revoked. */
	public Optional<UserView> authenticate(String secret) {
		if (!secret.startsWith(TOKEN_PREFIX) || secret.length() > 100) {
			return Optional.empty();
		}
		return tokens.findByTokenHash(hash(secret)).filter(ApiToken::active).flatMap(token -> {
			if (token.lastUsedAt() == null || token.lastUsedAt().isBefore(clock.instant().minusSeconds(60))) {
				token.used(clock.instant());
			}
			return users.findById(token.userId()).filter(User::enabled).map(User::view);
		});
	}

	/** bcrypt reads at most 72 bytes of a password, so longer ones are refused rather than cut silently. */
	private void checkPassword(String password) {
		if (password == null || password.length() < 10 || password.getBytes(StandardCharsets.UTF_8).length > 72) {
			throw new Invalid("A password is at least 10 characters and at most 72 bytes (about 72 letters, fewer in some scripts).");
		}
	}

	private User load(UUID id) {
		return users.findById(id).orElseThrow(() -> new NotFound("There is no user " + id + "."));
	}

	static String hash(String secret) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
