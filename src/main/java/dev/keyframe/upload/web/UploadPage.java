package dev.keyframe.upload.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import dev.keyframe.upload.UploadSettings;

@Controller
class UploadPage {

	static final String UPLOAD = "upload/upload";

	private final UploadSettings settings;

	UploadPage(UploadSettings settings) {
		this.settings = settings;
	}

	@GetMapping("/upload")
	String upload(Model model) {
		model.addAttribute("parallelParts", settings.parallelParts());
		model.addAttribute("maxSize", settings.maxSize().toBytes());
		return UPLOAD;
	}

}
