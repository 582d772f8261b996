package dev.keyframe.transcode.internal;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

import dev.keyframe.transcode.TranscodeSettings.Rung;

@Component
@ConfigurationPropertiesBinding
class RungConverter implements Converter<String, Rung> {

	@Override
	public Rung convert(String source) {
		return Rung.parse(source.strip());
	}

}
