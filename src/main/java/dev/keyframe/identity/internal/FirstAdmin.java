package dev.keyframe.identity.internal;

import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.IdentitySettings;
import dev.keyframe.identity.Role;

/**
 * On the first start (no user yet) creates the admin account: with the configured password, or with a
 * generated one printed once in the log.
 */
@Component
class FirstAdmin implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

	private final Accounts accounts;

	private final String username;

	private final String password;

	FirstAdmin(Accounts accounts, IdentitySettings settings) {
		this.accounts = accounts;
		this.username = settings.adminUsername();
		this.password = settings.adminPassword() == null ? "" : settings.adminPassword();
	}

	@Override
	public void run(ApplicationArguments args) {
		if (accounts.count() > 0) {
			return;
		}
		boolean generated = password.isBlank();
		String secret = generated ? generate() : password;
		accounts.create(username, secret, Role.ADMIN);
		if (generated) {
			log.warn("""

					  Created the first admin account.
					    user:     {}
					    password: {}
					  It is shown only this once: sign in at /login and keep it, or set KEYFRAME_IDENTITY_ADMIN_PASSWORD.
					""", username, secret);
		}
		else {
			log.info("Created the first admin account '{}' with the configured password", username);
		}
	}

	private static String generate() {
		byte[] bytes = new byte[15];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
