package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Each kind of refusal the domain throws is answered with the status the API has always given it. */
class ProblemTests {

	@Test
	void eachKindOfRefusalHasItsHttpAnswer() {
		assertThat(new Invalid("x").status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(new NotFound("x").status()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(new Conflict("x").status()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(new TooLarge("x").status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(new Problem(HttpStatus.GONE, "x").status()).as("a controller's own").isEqualTo(HttpStatus.GONE);
	}

}
