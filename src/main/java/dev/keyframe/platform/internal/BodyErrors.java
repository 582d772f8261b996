package dev.keyframe.platform.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Says what is wrong with a JSON body the API could not read, naming the field and what it accepts: {@code "after"
 * must be a whole number}, {@code "action" must be one of DELETE_SOURCE, ...}, instead of "Failed to read request".
 */
final class BodyErrors {

	private BodyErrors() {
	}

	/** The field at fault (empty for the body as a whole) and the sentence for the person who sent it. */
	record Explained(String field, String message) {
	}

	static Explained explain(@Nullable Throwable cause) {
		if (!(cause instanceof JacksonException ex)) {
			return new Explained("", "The request body could not be read: send a JSON object.");
		}
		String field = field(ex);
		Class<?> target = ex instanceof MismatchedInputException mismatch ? mismatch.getTargetType()
				: ex instanceof InputCoercionException coercion ? coercion.getTargetType() : null;
		if (field.isEmpty() || target == null && ex instanceof StreamReadException) {
			var at = ex.getLocation();
			String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column "
					+ at.getColumnNr() + ")";
			return new Explained(field, field.isEmpty() ? "The request body is not valid JSON" + where + "."
					: "\u201C" + field + "\u201D could not be read" + where + ".");
		}
		return new Explained(field, "\u201C" + field + "\u201D must be " + expected(target) + ".");
	}

	/** The path to the field, as {@code parts[2].etag}. */
	private static String field(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference ref : ex.getPath()) {
			if (ref.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
			}
			else if (ref.getIndex() >= 0) {
				path.append('[').append(ref.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	static String expected(@Nullable Class<?> type) {
		if (type == null) {
			return "a value of the right type";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants())
				.map(constant -> ((Enum<?>) constant).name())
				.collect(Collectors.joining(", "));
		}
		if (type == int.class || type == Integer.class || type == short.class || type == Short.class) {
			return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
		}
		if (type == long.class || type == Long.class) {
			return "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
		}
		if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
			return "a number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		if (type == String.class) {
			return "a string";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "a list";
		}
		if (type == java.util.UUID.class) {
			return "an id such as 3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d";
		}
		return "an object";
	}

}
