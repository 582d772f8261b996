package dev.keyframe.identity.web;

import java.util.UUID;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.IssuedToken;
import dev.keyframe.identity.Role;
import dev.keyframe.identity.UserView;
import dev.keyframe.platform.Problem;

/** Sign-in, the account page (password, API tokens) and the admin's user management. */
@Controller
class IdentityPages {

	static final String LOGIN = "identity/login";

	static final String ACCOUNT = "identity/account";

	static final String USERS = "identity/users";

	private final Accounts accounts;

	private final CurrentUser current;

	IdentityPages(Accounts accounts, CurrentUser current) {
		this.accounts = accounts;
		this.current = current;
	}

	@GetMapping("/login")
	String login() {
		return LOGIN;
	}

	@GetMapping("/account")
	String account(Model model) {
		UserView me = current.require();
		model.addAttribute("tokens", accounts.tokens(me.id()));
		return ACCOUNT;
	}

	@PostMapping("/account/tokens")
	String issueToken(@RequestParam(defaultValue = "") String name, RedirectAttributes redirect) {
		IssuedToken issued = accounts.issueToken(current.require().id(), name);
		redirect.addFlashAttribute("issued", issued);
		return "redirect:/account";
	}

	@PostMapping("/account/tokens/{id}/revoke")
	String revokeToken(@PathVariable UUID id, RedirectAttributes redirect) {
		return attempt(redirect, "/account", () -> accounts.revokeToken(current.require().id(), id),
				"The token was revoked.");
	}

	@PostMapping("/account/password")
	String changePassword(@RequestParam String current, @RequestParam String next, RedirectAttributes redirect) {
		return attempt(redirect, "/account", () -> accounts.changePassword(this.current.require().id(), current, next),
				"Your password was changed.");
	}

	@GetMapping("/admin/users")
	String users(Model model) {
		model.addAttribute("users", accounts.users());
		model.addAttribute("roles", Role.values());
		return USERS;
	}

	@PostMapping("/admin/users")
	String createUser(@RequestParam String username, @RequestParam String password, @RequestParam Role role,
			RedirectAttributes redirect) {
		return attempt(redirect, "/admin/users", () -> accounts.create(username, password, role),
				"User " + username.strip().toLowerCase() + " was created.");
	}

	@PostMapping("/admin/users/{id}/role")
	String changeRole(@PathVariable UUID id, @RequestParam Role role, RedirectAttributes redirect) {
		return attempt(redirect, "/admin/users", () -> accounts.changeRole(id, role, current.require().id()),
				"The role was changed.");
	}

	@PostMapping("/admin/users/{id}/enabled")
	String enable(@PathVariable UUID id, @RequestParam boolean enabled, RedirectAttributes redirect) {
		return attempt(redirect, "/admin/users", () -> accounts.enable(id, enabled, current.require().id()),
				enabled ? "The account was enabled." : "The account was disabled.");
	}

	private static String attempt(RedirectAttributes redirect, String page, Runnable action, String success) {
		try {
			action.run();
			redirect.addFlashAttribute("notice", success);
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		return "redirect:" + page;
	}

}
