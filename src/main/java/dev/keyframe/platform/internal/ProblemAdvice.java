package dev.keyframe.platform.internal;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.keyframe.platform.Problem;

/**
 * Keyframe's answers to what a request got wrong, as RFC 9457 problem details. Ordered first, so a body the API
 * cannot read is answered here (naming the field) rather than by Spring's "Failed to read request".
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemAdvice {

	@ExceptionHandler(Problem.class)
	ProblemDetail problem(Problem problem) {
		ProblemDetail detail = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
		detail.setTitle(problem.status().getReasonPhrase());
		return detail;
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ProblemDetail unreadable(HttpMessageNotReadableException ex) {
		BodyErrors.Explained explained = BodyErrors.explain(ex.getCause());
		ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, explained.message());
		detail.setTitle(HttpStatus.BAD_REQUEST.getReasonPhrase());
		if (!explained.field().isEmpty()) {
			detail.setProperty("field", explained.field());
		}
		return detail;
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badArgument(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

}
