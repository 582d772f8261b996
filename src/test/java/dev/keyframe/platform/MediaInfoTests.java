package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/** What the media events carry survives the JSON of the event publication registry, old entries included. */
class MediaInfoTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void theFieldOrderTravelsWithTheVideo() {
		MediaInfo media = new MediaInfo(2_000, "mpegts", 1_000, new MediaInfo.Video(720, 576, "h264", "25/1", 25, "bb"),
				null);

		MediaInfo read = json.readValue(json.writeValueAsString(media), MediaInfo.class);

		assertThat(read).isEqualTo(media);
		assertThat(read.video().interlaced()).isTrue();
	}

	@Test
	void aVideoWrittenBeforeFieldOrdersExistedReadsAsProgressive() {
		MediaInfo read = json.readValue("""
				{"durationMillis":2000,"formatName":"mov,mp4","bitrate":1000,
				 "video":{"width":1280,"height":720,"codec":"h264","frameRate":"30/1","fps":30.0},"audio":null}""",
				MediaInfo.class);

		assertThat(read.video().fieldOrder()).isEqualTo(MediaInfo.Video.PROGRESSIVE);
		assertThat(read.video().interlaced()).isFalse();
	}

}
