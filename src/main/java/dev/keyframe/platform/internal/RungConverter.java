package dev.keyframe.platform.internal;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.Rung;

/**
 * Binds {@code name:shortSide:videoKbps:audioKbps} to a {@link Rung} in every module's settings (the VOD ladder,
 * the live ladder); a comma-separated value binds to a list of them.
 */
@Component
@ConfigurationPropertiesBinding
class RungConverter implements Converter<String, Rung> {

	@Override
	public Rung convert(String source) {
		return Rung.parse(source);
	}

}
