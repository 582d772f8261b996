package dev.keyframe.identity.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface UserAccounts extends JpaRepository<User, UUID> {

	Optional<User> findByUsername(String username);

	List<User> findAllByOrderByUsernameAsc();

}
