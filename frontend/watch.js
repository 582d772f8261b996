import { attach } from './player.js';

attach(document.getElementById('player'));
